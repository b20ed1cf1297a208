"""What the test doubles share to serve (see README.md): ``serving`` and ``tls``."""
