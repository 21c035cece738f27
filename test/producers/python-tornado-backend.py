# The ticket generator of Sinch's Python authentication backend example (Tornado,
# "Copyright (c) 2014 Sinch AB", getAuthTicket), step for step on Python 3 (the original is
# Python 2: the JSON is encoded to bytes where Python 2 used str), with the key, secret and
# time passed in so that its output can be kept as a fixture.
# Usage: python3 python-tornado-backend.py KEY SECRET CREATED_ISO ENDPOINT...
import base64
import hashlib
import hmac
import json
import sys
from datetime import datetime

key, secret, created = sys.argv[1:4]
for username in sys.argv[4:]:
    user_ticket = {
        "identity": {"type": "username", "endpoint": username},
        "expiresIn": 3600,
        "applicationKey": key,
        # datetime.utcnow().isoformat(): no zone, microseconds unless they are 0
        "created": datetime.fromisoformat(created.replace("Z", "")).isoformat(),
    }
    # As the example does: every space removed from the JSON text.
    user_ticket_json = json.dumps(user_ticket).replace(" ", "")
    data = base64.b64encode(user_ticket_json.encode())
    digest = hmac.new(base64.b64decode(secret), msg=user_ticket_json.encode(), digestmod=hashlib.sha256).digest()
    print((data + b":" + base64.b64encode(digest)).decode())
