"""TrainHub: the city's standardization cloud classroom (标准化云课堂). create_app wires, nothing else."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from trainhub import config as config_module

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """The app. With `config` (tests, benchmarks): the defaults and that dict, nothing else. Without it
    (wsgi, the CLI): the defaults, then instance/config.py, then TRAINHUB_* environment variables."""
    from trainhub import inputs, security_headers
    from trainhub.errors import register_error_handlers

    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    _load_config(app, config)
    _trust_proxies(app)
    _init_extensions(app)
    inputs.init_app(app)  # the id converter, before any route is added
    _register_blueprints(app)
    _register_cli(app)
    register_error_handlers(app)
    security_headers.init_app(app)
    return app


def _load_config(app: Flask, config: dict | None) -> None:
    app.config.from_object(config_module.DefaultConfig)
    if config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(config_module.load_environment())
    else:
        app.config.update(config)
    config_module.ensure_secret_key(app)
    config_module.finish_config(app)


def _trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies, the client address and scheme are the forwarded ones."""
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0)  # type: ignore[method-assign]


def _init_extensions(app: Flask) -> None:
    from trainhub import db as database
    from trainhub import i18n, security
    from trainhub.extensions import babel, csrf, db, login_manager, migrate
    from trainhub.models import User

    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # a DefaultJSONProvider, typed as its base
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


def _register_blueprints(app: Flask) -> None:
    from trainhub import api
    from trainhub.accounts import bp as accounts_bp
    from trainhub.calendar import bp as calendar_bp
    from trainhub.campaigns import bp as campaigns_bp
    from trainhub.certificates import bp as certificates_bp
    from trainhub.checkin import bp as checkin_bp
    from trainhub.dashboard import bp as dashboard_bp
    from trainhub.events import bp as events_bp
    from trainhub.exports import bp as exports_bp
    from trainhub.main import bp as main_bp
    from trainhub.notifications import bp as notifications_bp
    from trainhub.organizations import bp as organizations_bp
    from trainhub.registrations import bp as registrations_bp
    from trainhub.reports import bp as reports_bp
    from trainhub.tickets import bp as tickets_bp
    from trainhub.units import bp as units_bp

    for blueprint in (
        main_bp,
        accounts_bp,
        organizations_bp,
        units_bp,
        campaigns_bp,
        events_bp,
        registrations_bp,
        tickets_bp,
        checkin_bp,
        calendar_bp,
        notifications_bp,
        certificates_bp,
        exports_bp,
        dashboard_bp,
        reports_bp,
    ):
        app.register_blueprint(blueprint)
    api.init_app(app)  # /api/v1: its blueprint and the generated OpenAPI document


def _register_cli(app: Flask) -> None:
    from trainhub.accounts import cli as accounts_cli
    from trainhub.certificates import cli as certificates_cli
    from trainhub.checkin import cli as checkin_cli
    from trainhub.demo import cli as demo_cli
    from trainhub.notifications import cli as notifications_cli
    from trainhub.registrations import cli as registrations_cli

    accounts_cli.register_cli(app)
    registrations_cli.register_cli(app)
    checkin_cli.register_cli(app)
    notifications_cli.register_cli(app)
    certificates_cli.register_cli(app)
    demo_cli.register_cli(app)
