"""A stand-in for the vendor's JetStream Python library, written from its published examples only
(shared/spec/jetstream-facts.md):

    from jetstream import JetStream
    api = JetStream().api('localhost', 8886)
    with api:
        api.server.auth('jsmith', 'secret')
        api.send.getDestinations()

The vendor's wire protocol is not public, so underneath it speaks the project simulator's HTTP
convention (shared/spec/PROTOCOL.md) over one kept-alive connection per Api, signed in with the
simulator's sessions (sim/README.md). Where the docs are silent it picks the inconvenient plausible
behaviour; sim/python/README.md lists those choices.
"""

import http.client
import json
import os
import select

from .exceptions import (
    JetStreamAuthenticationException,
    JetStreamConnectionException,
    JetStreamException,
    JetStreamRequestException,
)

__all__ = [
    'DEFAULT_TIMEOUT_SECONDS',
    'Api',
    'JetStream',
    'JetStreamAuthenticationException',
    'JetStreamConnectionException',
    'JetStreamException',
    'JetStreamRequestException',
    'RecvInterface',
    'SendInterface',
    'ServerInterface',
]

# Read when connect() runs: the timeout of connecting and of waiting for each answer.
DEFAULT_TIMEOUT_SECONDS = 10

# Set it to have a line of debug noise printed on stdout for every call, as real libraries do.
_STDOUT_NOISE_VARIABLE = 'JETSTREAM_STANDIN_STDOUT_NOISE'


class JetStream:
    def api(self, host='localhost', port=8886):
        """An Api for the server at host and its API control port; not connected yet."""
        return Api(host, port)


class Api:
    def __init__(self, host, port):
        self.server = ServerInterface(self)
        self.send = SendInterface(self)
        self.recv = RecvInterface(self)
        self._host = host
        self._port = port
        self._connection = None
        self._session = None
        self._lost = False

    def connect(self):
        """Opens a new connection (closing any open one): a new connection has no login yet."""
        self.disconnect()
        connection = http.client.HTTPConnection(self._host, self._port, timeout=DEFAULT_TIMEOUT_SECONDS)
        connection.connect()
        self._connection = connection
        self._lost = False

    def disconnect(self):
        if self._connection is not None:
            self._connection.close()
        self._connection = None
        self._session = None

    def __enter__(self):
        self.connect()
        return self

    def __exit__(self, *exc_info):
        self.disconnect()

    def _where(self):
        return '{}:{}'.format(self._host, self._port)

    def _call(self, command, params):
        if _STDOUT_NOISE_VARIABLE in os.environ:
            print('jetstream: DEBUG calling {} on {}'.format(command, self._where()))
        if self._connection is None:
            if self._lost:
                raise JetStreamConnectionException(
                    'The connection to {} was lost; connect() and sign in again'.format(self._where())
                )
            raise JetStreamConnectionException('Not connected to {}; call connect() first'.format(self._where()))
        headers = {'Content-Type': 'application/json'}
        if self._session is not None:
            headers['Authorization'] = 'Session ' + self._session
        connection = self._connection
        try:
            # The simulator closes HTTP connections idle for a few seconds, an artifact of HTTP that the
            # vendor's own connection does not have: then http.client opens a new one, the session stays.
            if _closed_by_server(connection.sock):
                connection.close()
            connection.request('POST', '/api/' + command, json.dumps(params), headers)
            response = connection.getresponse()
            body = response.read()
        except BaseException:
            # Whatever broke the call (even an interrupt) leaves the connection in an unknown state.
            self._lose()
            raise
        return self._result(command, response.status, body)

    def _lose(self):
        self.disconnect()
        self._lost = True

    def _result(self, command, status, body):
        try:
            answer = json.loads(body)
        except ValueError:
            raise JetStreamException('Malformed answer from {} to {}'.format(self._where(), command)) from None
        if status == 200 and isinstance(answer, dict) and 'result' in answer:
            return answer['result']
        error = answer.get('error') if isinstance(answer, dict) else None
        if not isinstance(error, dict):
            raise JetStreamException('Unexpected answer from {} to {} (HTTP {})'.format(self._where(), command, status))
        code = error.get('code')
        message = str(error.get('message', ''))
        if code == 'AuthRequired' and message.startswith('Session expired'):
            self._lose()
            raise JetStreamConnectionException(
                'The server {} closed the session: connection lost; connect() and sign in again'.format(self._where())
            )
        if code == 'AuthRequired':
            raise JetStreamAuthenticationException('{} needs a login: call server.auth() first'.format(command))
        if code == 'AuthFailed':
            raise JetStreamAuthenticationException(message)
        raise JetStreamRequestException('{} failed: {}'.format(command, message))


def _closed_by_server(sock):
    """An idle kept-alive socket with something to read has been closed by the server (or holds garbage)."""
    if sock is None:
        return False
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


class ServerInterface:
    def __init__(self, api):
        self._api = api

    def auth(self, user, password):
        """Signs this connection in; returns None, raises on failure (and the connection has no login then)."""
        self._api._session = None
        try:
            answer = self._api._call('auth', {'user': user, 'password': password})
        except JetStreamAuthenticationException:
            # Echoing the password is what real servers do; callers must keep such messages to themselves.
            raise JetStreamAuthenticationException(
                "Login failed for user '{}' with password '{}'".format(user, password)
            ) from None
        session = answer.get('session') if isinstance(answer, dict) else None
        if not isinstance(session, str):
            raise JetStreamException('Malformed answer from {} to auth'.format(self._api._where()))
        self._api._session = session

    def superuser(self):
        """Elevates this session: afterwards its calls see every owner's destinations."""
        self._api._call('superuser', {})

    def getServerInfo(self):
        return self._api._call('getServerInfo', {})

    def getRequestResult(self, requestId):
        raise NotImplementedError('getRequestResult: this stand-in has no ...Async methods')


class SendInterface:
    def __init__(self, api):
        self._api = api

    def getDestinations(self):
        return self._api._call('send.getDestinations', {})

    def getDestination(self, destinationId):
        return self._api._call('send.getDestination', {'destinationId': destinationId})

    def createDestination(self, destinationAddress, **optional):
        return self._api._call('send.createDestination', dict(optional, destinationAddress=destinationAddress))

    def deleteDestination(self, destinationId):
        return self._api._call('send.deleteDestination', {'destinationId': destinationId})

    def getConnections(self):
        return self._api._call('send.getConnections', {})

    def getConnection(self, connectionId):
        return self._api._call('send.getConnection', {'connectionId': connectionId})

    def updateObjectUserData(self, objectId, userData):
        """Returns None: the docs do not say that the new userData comes back."""
        self._api._call('send.updateObjectUserData', {'objectId': objectId, 'userData': userData})

    def deleteObjectUserData(self, objectId, keys):
        """Returns None: the docs do not say that the new userData comes back."""
        self._api._call('send.deleteObjectUserData', {'objectId': objectId, 'keys': keys})


class RecvInterface:
    """The receiving side: none of its methods are needed here, so the stand-in has none."""

    def __init__(self, api):
        self._api = api
