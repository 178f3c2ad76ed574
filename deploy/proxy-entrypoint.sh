#!/bin/sh
# Make a self-signed certificate on first start when the tls volume holds none.
set -e
dir=/etc/nginx/tls
if [ ! -s "$dir/cert.pem" ]; then
    mkdir -p "$dir"
    openssl req -x509 -newkey rsa:3072 -nodes -days 825 -subj "/CN=${GOVDIR_SERVER_NAME:-localhost}" \
        -keyout "$dir/key.pem" -out "$dir/cert.pem"
    chmod 600 "$dir/key.pem"
fi
