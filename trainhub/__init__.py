"""TrainHub: the city's standardization cloud classroom (标准化云课堂). create_app wires, nothing else."""
from __future__ import annotations

import importlib
from pathlib import Path

from flask import Flask

from trainhub import config as config_module

ROOT = Path(__file__).resolve().parent.parent

# Feature packages: each may define `bp` (a blueprint) in __init__ and `register_cli(app)` in cli.py.
FEATURES = (
    "main",
    "accounts",
    "organizations",
    "units",
    "campaigns",
    "events",
    "registrations",
    "tickets",
    "checkin",
    "calendar",
    "notifications",
    "certificates",
    "exports",
    "dashboard",
    "reports",
    "api",
    "demo",
)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config_module.DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config_module.load_environment())
    if config:
        app.config.update(config)
    config_module.ensure_secret_key(app)
    config_module.finish_config(app)

    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0)
    _init_extensions(app)
    from trainhub import inputs

    inputs.init_app(app)  # the id converter, before any route is added
    _register_features(app)

    from trainhub import security_headers
    from trainhub.errors import register_error_handlers

    register_error_handlers(app)
    security_headers.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from trainhub import db as database, i18n, security
    from trainhub.extensions import babel, csrf, db, login_manager, migrate
    from trainhub.models import User

    app.json.ensure_ascii = False
    database.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = i18n.translation_directories()
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)

    @app.before_request
    def _fresh_request():
        # Locale and catalogs are cached on the app context, which tests keep open across requests.
        from flask import g
        from flask_babel import refresh

        refresh()
        g.pop("_login_user", None)  # Flask-Login caches the user on g: each request authenticates anew

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "warning"

    @login_manager.user_loader
    def _load_user(user_id: str):
        ident, _, version = user_id.partition(":")
        if not ident.isdigit():
            return None
        user = db.session.get(User, int(ident))
        if user is None or str(user.session_version) != (version or "1"):
            return None
        return user

    login_manager.request_loader(security.load_user_from_bearer)

    @login_manager.unauthorized_handler
    def _unauthorized():
        from flask import abort, flash, redirect, request, url_for
        from flask_babel import gettext

        from trainhub.errors import wants_json

        if wants_json():
            abort(401)
        flash(gettext("请先登录。"), "warning")
        return redirect(url_for("accounts.login", next=request.full_path if request.query_string else request.path))

    @app.context_processor
    def _template_globals():
        from trainhub.templating import template_helpers

        return template_helpers()

    from trainhub.templating import register_filters

    register_filters(app)


def _register_features(app: Flask) -> None:
    for name in FEATURES:
        try:
            package = importlib.import_module(f"trainhub.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"trainhub.{name}":
                continue
            raise
        blueprint = getattr(package, "bp", None)
        if blueprint is not None:
            app.register_blueprint(blueprint)
        if package.__file__ and (Path(package.__file__).parent / "cli.py").exists():
            importlib.import_module(f"trainhub.{name}.cli").register_cli(app)
