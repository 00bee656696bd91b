# syntax=docker/dockerfile:1
# The production image: compiled JavaScript run by `node` itself, no npm or tsx in between, so
# the SIGTERM of `docker stop` reaches the server, which drains requests and closes the database.
#   docker build -t golden-path .
#   docker run -p 3000:3000 -v gp-data:/data \
#     -e AUTH_JWT_SECRET=... -e AUTH_ISSUER=... -e AUTH_AUDIENCE=... -e CURSOR_SECRET=... golden-path

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev
# Runs initdb once here, so a new data directory starts from the saved cluster (about a quarter
# of the CPU time of initdb) instead of paying for it at the first start.
RUN node --input-type=module -e "await (await import('./dist/blessed/db/_initial-data.js')).prepareInitialData()"

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/src/migrations ./src/migrations
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
# /health is liveness: it answers while the database still opens; requests to other routes are
# held until it is open (README, "Start-up and /health"), and a failed open ends the process.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node runs as PID 1: the server installs its own SIGTERM/SIGINT handlers (PID 1 gets no default
# ones) and starts no child processes, so no init is needed to forward signals or reap zombies;
# `docker run --init` does no harm. The drain is bounded by 8 s, inside docker stop's default 10 s.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/server.js"]
