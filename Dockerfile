# vss-server in a container: docs/operating.md, "Docker".
#
#   docker build -t vss-server .
#   docker run -d --name vss -p 8080:8080 -v vss-data:/var/lib/vss vss-server
#
# Settings are VSS_* environment variables (-e VSS_AUTH=jwt -e VSS_JWT_RSA_PEM="$(cat key.pem)")
# or flags after the image name; see the server README for all of them.

# ---- build: the whole reactor, as `mvn package` does on a developer's machine ----
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q package -DskipTests \
 && cp vss-server/target/vss-server.jar /vss-server.jar

# ---- run: a JRE, the jar, a non-root user and a data volume ----
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 vss \
 && useradd --system --uid 10001 --gid vss --home-dir /var/lib/vss --no-create-home \
      --shell /usr/sbin/nologin vss \
 && mkdir -p /opt/vss /var/lib/vss \
 && chown vss:vss /var/lib/vss \
 && chmod 0700 /var/lib/vss
COPY --from=build /vss-server.jar /opt/vss/vss-server.jar
# Listen on every interface of the container (the default, 127.0.0.1, is unreachable from outside
# it); keep the store in the volume.
ENV VSS_BIND_ADDRESS=0.0.0.0:8080 \
    VSS_DATA_DIR=/var/lib/vss
VOLUME ["/var/lib/vss"]
EXPOSE 8080
# Numeric, so that runtimes enforcing runAsNonRoot can check it.
USER 10001:10001
# The image has no curl or wget: a small Java check in the jar asks GET /health on the port of
# VSS_BIND_ADDRESS (plain HTTP; with TLS, override HEALTHCHECK). A small heap and C1 only: it
# starts in well under a second.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["java", "-Xmx16m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", "/opt/vss/vss-server.jar", "dev.vss.server.app.HealthCheck"]
# SIGTERM (docker stop) drains in-flight requests and closes the store; give it --stop-timeout.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/vss/vss-server.jar"]
CMD ["--store", "sqlite"]
