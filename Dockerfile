# Verbatim: the search API over the bundled corpus, with its index built into the image.
#
#   docker build -t verbatim .
#   docker run --rm -p 8490:8490 -e VERBATIM_API_KEY=change-me verbatim
#   curl -H 'Authorization: Bearer change-me' 'http://127.0.0.1:8490/v1/search?q=trust'
#
# The container listens on 0.0.0.0, so the server refuses to start without VERBATIM_API_KEY.
# /health needs no key (it is what HEALTHCHECK calls).

FROM rust:1.95-slim-trixie AS builder
WORKDIR /src
COPY . .
RUN cargo build --release --locked --package server --package indexer --bins

FROM debian:trixie-slim
# curl serves only the HEALTHCHECK below.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --no-create-home verbatim \
    && mkdir /data \
    && chown verbatim:verbatim /data
COPY --from=builder /src/target/release/verbatim-server /src/target/release/verbatim-index /usr/local/bin/
COPY --from=builder /src/corpus /app/corpus
USER verbatim
# Built now, so the container serves at once; at start-up the server finds it up to date.
RUN verbatim-index /app/corpus --index /data/index
ENV VERBATIM_CORPUS=/app/corpus \
    VERBATIM_INDEX=/data/index \
    VERBATIM_BIND=0.0.0.0:8490 \
    RUST_LOG=info
EXPOSE 8490
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD curl --fail --silent --show-error --max-time 2 http://127.0.0.1:8490/health || exit 1
CMD ["verbatim-server"]
