# The directory in one container: a private slapd and the web UI, data in /data.
FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       slapd ldap-utils slapi-dev libldap2-dev libsasl2-dev python3 python3-venv python3-dev gcc make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN python3 -m venv /venv && /venv/bin/pip install --no-cache-dir -e . \
    && /venv/bin/pybabel compile -d web/translations
ENV GOVDIR_DATA_DIR=/data PATH=/venv/bin:$PATH
VOLUME /data
EXPOSE 3389 5000
CMD ["govdir", "up", "--host", "0.0.0.0", "--ldap-port", "3389", "--http-port", "5000"]
