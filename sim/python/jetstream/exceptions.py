"""The stand-in's exceptions. The vendor publishes no exception names, so these are our own choice;
their messages are human text, never the simulator's error codes."""


class JetStreamException(Exception):
    """A failure the library reports itself (connection problems may also surface as Python's own exceptions)."""


class JetStreamConnectionException(JetStreamException):
    """Not connected, the connection was lost, or the server closed the session."""


class JetStreamAuthenticationException(JetStreamException):
    """The login was refused, or a call needs a login first."""


class JetStreamRequestException(JetStreamException):
    """The server refused a call: a bad parameter, an unknown or foreign object, a server error."""
