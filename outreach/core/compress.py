"""Responses compressed by the app itself (Flask-Compress), so that no proxy in front needs to do it.

brotli where the browser offers it (browsers do over HTTPS), else gzip; a streamed response (a static file, a
download) chunk by chunk the same way. Every response says
`Vary: Accept-Encoding`; one under COMPRESS_MIN_SIZE bytes goes as it is (compressing it costs more than it saves).
"""
from flask_compress import Compress

DEFAULTS = {
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
    "COMPRESS_BR_LEVEL": 4,  # Brotli 4 is about gzip 6's size at a fraction of brotli 11's time.
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIN_SIZE": 500,
}


def init_app(app):
    """Compress the app's responses (settings can be overridden in the app's config)."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    Compress(app)
