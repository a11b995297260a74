"""Put on PYTHONPATH of one test's app server: checking a sign-in password takes 3 s more, as on
a loaded server (the slow hash, the delay after failed tries), so a browser test can see what the
sign-in screen shows meanwhile. PB_TEST_LOGIN_DELAY sets the seconds."""

import os
import time

from plan_builder.auth import users

_authenticate = users.authenticate


def _slow_authenticate(*args, **kwargs):  # type: ignore[no-untyped-def]
    time.sleep(float(os.environ.get("PB_TEST_LOGIN_DELAY", "3")))
    return _authenticate(*args, **kwargs)


users.authenticate = _slow_authenticate
