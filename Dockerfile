# A shared mock server for a team's staging or CI farm: several replicas on one Redis
# (deploy/compose.yaml), or one container on its own memory store.
FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY contracts contracts
COPY factories factories
COPY mockserver mockserver
RUN pip install --no-cache-dir '.[redis]'
# The API on 8080, the notification stream on 8081; the control API is open unless
# CALLBACK_MOCK_ADMIN_TOKEN is set, so set it wherever others can reach the port.
EXPOSE 8080 8081
ENV CALLBACK_MOCK_STREAMING_PORT=8081
ENTRYPOINT ["callback-contracts", "serve", "--host", "0.0.0.0", "--port", "8080"]
