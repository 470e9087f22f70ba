"""The HTTP edge of the mock: Connexion app, middlewares, handlers. Nothing else imports the web stack."""
