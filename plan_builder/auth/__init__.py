"""Who is acting, and what they may do. The policy is enforced in plan_builder.service."""

from plan_builder.auth.actor import Actor, Role

__all__ = ["Actor", "Role"]
