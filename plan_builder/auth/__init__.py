"""Who is acting, and what they may do. The policy is enforced in plan_builder.service."""

from plan_builder import lazy
from plan_builder.auth.actor import Actor, Role

__all__ = ["Actor", "Role"]


# More public names, loaded on first use (plan_builder.lazy) so that start-up does not pay for them.
_LATER = {
    "DeploymentError": "mode",
    "LoginError": "users",
    "NATIONAL": "actor",
    "UserAdmin": "users",
    "UserRecord": "tables",
    "active_actor": "users",
    "actor_for_email": "users",
    "authenticate": "users",
    "check_deployment": "mode",
    "client_address": "mode",
    "deployment_mode": "mode",
    "has_receiver": "users",
    "register": "cli_commands",
    "shared_mode": "mode",
    "trusted_proxies": "mode",
}
_MODULES = ("audit", "policy", "revocation")
__all__ += [*_LATER, *_MODULES]
__getattr__ = lazy.exports(__name__, _LATER, modules=_MODULES)
