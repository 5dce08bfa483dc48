# The bridge between the extension and the vendor's JetStream Python library: one process per server,
# one signed-in session, calls run one at a time in the order they came.
#
#   python3 jetstream_bridge.py [--library-path DIR]
#
# stdin: one hello line {"host", "port", "user"?, "password"?, "token"?, "superuser"?}, then one request per
# line {"id", "interface": "server"|"send", "method", "params"}. stdout: one reply per line, {"id", "result"}
# or {"id", "error": {"class", "message", "kind"}}; the hello is answered with id 0. The secret comes only on
# stdin, never in argv or the environment.
#
# The whole file keeps to syntax an old interpreter still parses, so that the version check below runs and
# answers in the protocol instead of a SyntaxError: no f-strings, annotations, keyword-only arguments.
import sys

MINIMUM_PYTHON = (3, 8)

if sys.version_info < MINIMUM_PYTHON:
    import json

    sys.stdout.write(
        json.dumps(
            {
                "id": 0,
                "error": {
                    "class": "RuntimeError",
                    "kind": "setup",
                    "message": "Python %d.%d or later is needed; %s is Python %d.%d.%d: "
                    "set \"pythonPath\" in the server's profile to a newer interpreter"
                    % (MINIMUM_PYTHON + (sys.executable or "the interpreter",) + tuple(sys.version_info[:3])),
                },
            }
        )
        + "\n"
    )
    sys.stdout.flush()
    sys.exit(3)

import argparse
import http.client
import inspect
import json
import os
import queue
import re
import threading

# Which exception means the connection or session is gone (so: reconnect, sign in again, retry once).
# A server's refusal that merely names a connection ("No connection with id 'x'") must not count.
DROPPED_CLASS = re.compile(r"connection|session|disconnect", re.I)
DROPPED_WORDS = re.compile(
    r"connection (was |has been |is )?(lost|closed|reset|refused|aborted|dropped|broken)"
    r"|closed the (session|connection)|session (was |has been |is )?(closed|expired|lost|ended|dropped)"
    r"|broken pipe|not connected|disconnected|connection (to .* )?(was )?lost",
    re.I,
)
# ConnectionError and TimeoutError are OSErrors; an HTTPException is a connection that broke mid-answer.
DROPPED_BUILTINS = (OSError, http.client.HTTPException)

# Which exception from auth() or superuser() is a refusal rather than a server or network failure.
REFUSED_CLASS = re.compile(r"auth|login|logon|credential|permission|forbidden|denied", re.I)
REFUSED_WORDS = re.compile(
    r"(log ?in|logon|sign[- ]?in|authenticat\w*|password|credentials?|token)\b.*"
    r"\b(fail|refus|reject|denied|invalid|incorrect|wrong|expired)"
    r"|\b(invalid|incorrect|wrong|bad|unknown) (user|password|credentials?|login|token)"
    r"|unauthori[sz]ed|access denied|permission denied|not (a |the )?superuser|not allowed|forbidden",
    re.I,
)

METHOD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
INTERFACES = ("server", "send")


class Failure(Exception):
    """An error reply: the exception's qualified class, its message, and what kind of failure it is."""

    def __init__(self, kind, message, error_class="jetstream_bridge.Failure"):
        Exception.__init__(self, message)
        self.kind = kind
        self.message = message
        self.error_class = error_class


def qualified(error):
    cls = type(error)
    module = cls.__module__
    return cls.__qualname__ if module in ("builtins", "__main__") else module + "." + cls.__qualname__


def cls_name(error):
    return type(error).__name__


def from_exception(kind, error):
    return Failure(kind, str(error) or cls_name(error), qualified(error))


def class_names(error):
    return " ".join(c.__name__ for c in type(error).__mro__ if c.__module__ != "builtins")


def is_dropped(error):
    if isinstance(error, DROPPED_BUILTINS):
        return True
    return bool(DROPPED_CLASS.search(class_names(error)) or DROPPED_WORDS.search(str(error)))


def is_refusal(error):
    return bool(REFUSED_CLASS.search(class_names(error)) or REFUSED_WORDS.search(str(error)))


class Channel:
    """The replies: on a duplicate of the original stdout, which nothing else may write to (only the main thread does)."""

    def __init__(self):
        self._out = os.fdopen(os.dup(1), "wb", buffering=0)
        # Whatever the library prints (to sys.stdout or straight to fd 1) goes to stderr instead.
        os.dup2(2, 1)
        sys.stdout = sys.stderr

    def reply(self, request_id, result=None, failure=None):
        if failure is None:
            try:
                line = json.dumps({"id": request_id, "result": result}, allow_nan=False, default=plain)
            except (TypeError, ValueError) as e:
                failure = Failure("unreadable", "the library returned a value that is not JSON: %s" % e, qualified(e))
        if failure is not None:
            line = json.dumps(
                {"id": request_id, "error": {"class": failure.error_class, "message": failure.message, "kind": failure.kind}}
            )
        self._out.write(line.encode("utf-8") + b"\n")


def plain(value):
    """What JSON cannot say directly, in the nearest plain form: a library may return its own objects."""
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if hasattr(value, "_asdict"):
        return value._asdict()
    if hasattr(value, "__dict__"):
        return dict((k, v) for k, v in vars(value).items() if not k.startswith("_"))
    raise TypeError("%s is not JSON" % type(value).__name__)


def read_lines(requests):
    """stdin on its own thread: the end of stdin means the extension has gone, whatever call is running."""
    for raw in sys.stdin.buffer:
        if raw.strip():
            requests.put(raw)
    os._exit(0)


def describe_library(module):
    version = getattr(module, "__version__", None)
    where = getattr(module, "__file__", None) or "(no file)"
    return ("jetstream %s at %s" % (version, where)) if version else ("jetstream at %s" % where)


def import_library(library_path):
    interpreter = "%s (Python %d.%d.%d)" % ((sys.executable or "python",) + tuple(sys.version_info[:3]))
    if library_path:
        sys.path.insert(0, os.path.abspath(library_path))
    try:
        import jetstream
    except ImportError as e:
        if getattr(e, "name", None) != "jetstream":
            raise Failure("setup", "the jetstream package could not be imported by %s: %s: %s" % (interpreter, cls_name(e), e))
        where = ""
        if library_path:
            missing = "" if os.path.isdir(library_path) else ": no such folder"
            where = "in '%s' (pythonLibraryPath%s) nor " % (library_path, missing)
        raise Failure(
            "setup",
            "no 'jetstream' package was found %son the module search path of %s; set \"pythonLibraryPath\" in the "
            "server's profile to the folder that holds the vendor's jetstream package" % (where, interpreter),
            qualified(e),
        )
    except Exception as e:
        raise Failure("setup", "the jetstream package could not be imported by %s: %s: %s" % (interpreter, cls_name(e), e))
    if not hasattr(jetstream, "JetStream"):
        raise Failure("setup", "%s has no JetStream; is it the vendor's library?" % describe_library(jetstream))
    return jetstream


class Session:
    """The one Api of this bridge, its login and its elevation."""

    def __init__(self, jetstream, hello):
        self.library = describe_library(jetstream)
        self.user = hello.get("user")
        self.password = hello.get("password")
        self.token = hello.get("token")
        self.superuser = bool(hello.get("superuser"))
        try:
            self.api = jetstream.JetStream().api(hello["host"], int(hello["port"]))
        except Exception as e:
            raise Failure("setup", "%s: JetStream().api(host, port) failed: %s: %s" % (self.library, cls_name(e), e), qualified(e))
        self.open = False
        # A refused sign-in or elevation is kept: the bridge never tries the same secret again.
        self.refusal = None
        self.auth_parameters = self.parameters_of_auth()
        if self.token and "token" not in self.auth_parameters:
            raise Failure(
                "unsupported",
                "%s has no documented sign-in with an API token (server.auth takes no token)" % self.library,
            )

    def parameters_of_auth(self):
        try:
            return inspect.signature(self.api.server.auth).parameters
        except (AttributeError, TypeError, ValueError):
            return {}

    def connect(self):
        """A new connection, signed in and elevated as the profile asks."""
        self.open = False
        try:
            self.api.connect()
        except Exception as e:
            raise from_exception("connection", e)
        if self.user or self.token:
            self.sign_in()
        if self.superuser:
            self.elevate()
        self.open = True

    def sign_in(self):
        try:
            if self.token:
                named = {"token": self.token}
                if self.user and "user" in self.auth_parameters:
                    named["user"] = self.user
                self.api.server.auth(**named)
            else:
                self.api.server.auth(self.user, self.password)
        except Exception as e:
            if is_dropped(e):
                raise from_exception("connection", e)
            if not is_refusal(e):
                raise from_exception("library", e)
            self.refusal = from_exception("refused", e)
            raise self.refusal

    def elevate(self):
        try:
            self.api.server.superuser()
        except Exception as e:
            if is_dropped(e):
                raise from_exception("connection", e)
            if not is_refusal(e):
                raise from_exception("library", e)
            self.refusal = from_exception("superuser", e)
            raise self.refusal

    def method(self, interface, name):
        if interface not in INTERFACES or not METHOD_NAME.match(name or ""):
            raise Failure("missingMethod", "%s has no api.%s.%s" % (self.library, interface, name))
        target = getattr(getattr(self.api, interface, None), name, None)
        if not callable(target):
            raise Failure("missingMethod", "%s has no api.%s.%s" % (self.library, interface, name))
        return target

    def call(self, interface, name, params):
        if self.refusal is not None:
            raise self.refusal
        target = self.method(interface, name)
        if not self.open:
            self.connect()
        try:
            return target(**params)
        except Exception as e:
            if not is_dropped(e):
                raise from_exception("library", e)
        # The session is gone: one new connection and one sign-in, then the call once more.
        self.connect()
        try:
            return target(**params)
        except Exception as e:
            if is_dropped(e):
                self.open = False
                raise from_exception("connection", e)
            raise from_exception("library", e)


def parse(raw):
    try:
        value = json.loads(raw.decode("utf-8"))
    except ValueError:
        value = None
    return value if isinstance(value, dict) else None


def main():
    parser = argparse.ArgumentParser(description="The JetStream Destinations extension's bridge to the vendor's Python library.")
    parser.add_argument("--library-path", help="a folder holding the vendor's jetstream package, searched first")
    args = parser.parse_args()
    channel = Channel()
    requests = queue.Queue()
    threading.Thread(target=read_lines, args=(requests,), daemon=True).start()

    hello = parse(requests.get())
    if hello is None or not hello.get("host") or not hello.get("port"):
        channel.reply(0, failure=Failure("request", "the first line must be the hello with host and port"))
        return 2
    try:
        session = Session(import_library(args.library_path), hello)
    except Failure as failure:
        channel.reply(0, failure=failure)
        return 3
    try:
        session.connect()
        channel.reply(0, {"python": "%d.%d.%d" % tuple(sys.version_info[:3]), "library": session.library})
    except Failure as failure:
        # Not fatal: a server that is down now is connected to again on the next request.
        channel.reply(0, failure=failure)

    while True:
        request = parse(requests.get())
        if request is None or not isinstance(request.get("id"), int):
            sys.stderr.write("jetstream_bridge: ignored a line that is not a request\n")
            continue
        params = request.get("params") or {}
        if not isinstance(params, dict):
            channel.reply(request["id"], failure=Failure("request", "params must be an object"))
            continue
        try:
            result = session.call(request.get("interface"), request.get("method"), params)
        except Failure as failure:
            channel.reply(request["id"], failure=failure)
        except BaseException as e:
            # Anything else still gets a reply, so the extension's call does not wait for its timeout.
            channel.reply(request["id"], failure=from_exception("library", e))
        else:
            channel.reply(request["id"], result)


if __name__ == "__main__":
    sys.exit(main())
