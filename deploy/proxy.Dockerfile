# The TLS reverse proxy in front of the web tier: nginx, with a self-signed certificate made on
# first start when none is mounted (replace it with the server's own in production).
FROM nginx:1.27-alpine
RUN apk add --no-cache openssl
COPY deploy/nginx.conf /etc/nginx/conf.d/default.conf
COPY deploy/proxy-entrypoint.sh /docker-entrypoint.d/10-govdir-certificate.sh
RUN chmod +x /docker-entrypoint.d/10-govdir-certificate.sh
EXPOSE 443
