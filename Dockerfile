# npi-rates worker image for AWS Fargate (x86-64), also usable on its own:
#   docker build --platform linux/amd64 -t npi-rates .
#   docker run --rm npi-rates search --npi 1234567893 --url https://... -o -
# The platform is pinned because the Fargate task definition is X86_64: an image built on an ARM
# laptop without it would fail to start there with "exec format error".

# --- build: compile TypeScript with the dev dependencies, then drop them ---
FROM --platform=linux/amd64 node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the "prepare" build needs the sources, which are copied next.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: Node 20 with the compiled CLI and production dependencies only ---
FROM --platform=linux/amd64 node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY docker/entrypoint.sh /usr/local/bin/npi-rates-entrypoint
RUN chmod 0755 /usr/local/bin/npi-rates-entrypoint /app/bin/npi-rates.js \
    && ln -s /app/bin/npi-rates.js /usr/local/bin/npi-rates
# Temporary files (the compressed spool of files whose in_network comes first) go to the task's
# ephemeral storage, which Fargate mounts writable for this user.
USER node
WORKDIR /home/node
ENTRYPOINT ["/usr/local/bin/npi-rates-entrypoint"]
