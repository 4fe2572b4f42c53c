FROM python:3.11-slim-bookworm
# Pango for WeasyPrint, Noto CJK so Chinese PDFs are not boxes.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --no-input
ENV DEBUG=false HTTPS_ONLY=true BEHIND_PROXY=true PYTHONUNBUFFERED=1
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "-b", "0.0.0.0:8000", "-w", "3"]
