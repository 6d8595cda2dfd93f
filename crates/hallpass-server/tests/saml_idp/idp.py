#!/usr/bin/env python3
"""A SAML identity provider for the browser test, on pysaml2 (PyPI) signing through Debian's
xmlsec1. It loads Hallpass's SP metadata from SP_METADATA_URL, listens on 127.0.0.1:IDP_PORT
(another host name than Hallpass's `localhost`: another site), and answers Okta-shaped:
NameID emailAddress, the attributes email/firstName/lastName, response and assertion signed.

  GET  /metadata                  this IdP's metadata (what Hallpass's connection is made from)
  GET  /sso/redirect?SAMLRequest  (HTTP-Redirect) a sign-in page for the request
  POST /sso/login                 the page's form: the Response, auto-posted to the ACS
  GET  /start?email=              IdP-initiated: an unsolicited Response, auto-posted to the ACS

Run by crates/hallpass-server/tests/browser.rs with the venv of scripts/install-pysaml2.sh.
The keys are the throwaway test keys of crates/hallpass-saml/tests/fixtures.
"""
import html
import os
import sys
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import AUTHN_PASSWORD_PROTECTED, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "..", "hallpass-saml", "tests", "fixtures")
PORT = int(os.environ["IDP_PORT"])
BASE = "http://127.0.0.1:%d" % PORT


def server():
    sp_metadata = urllib.request.urlopen(os.environ["SP_METADATA_URL"], timeout=10).read().decode()
    config = IdPConfig()
    config.load({
        "entityid": BASE + "/metadata",
        "service": {"idp": {
            "endpoints": {"single_sign_on_service": [(BASE + "/sso/redirect", BINDING_HTTP_REDIRECT)]},
            "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
            "policy": {"default": {
                "lifetime": {"minutes": 5},
                "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified",
            }},
        }},
        "key_file": os.path.join(FIXTURES, "idp.key"),
        "cert_file": os.path.join(FIXTURES, "idp.crt"),
        "metadata": {"inline": [sp_metadata]},
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "delete_tmpfiles": True,
        "attribute_map_dir": os.path.join(FIXTURES, "attributemaps"),
    })
    return Server(config=config)


IDP = None
SP_ENTITY_ID = None


def okta_response(email, in_response_to, destination):
    identity = {"email": [email], "firstName": ["Ada"], "lastName": ["Lovelace"]}
    return IDP.create_authn_response(
        identity=identity,
        in_response_to=in_response_to,
        destination=destination,
        sp_entity_id=SP_ENTITY_ID,
        name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
        authn={"class_ref": AUTHN_PASSWORD_PROTECTED, "authn_auth": BASE + "/metadata"},
        sign_response=True,
        sign_assertion=True,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )


class Handler(BaseHTTPRequestHandler):
    def send(self, status, body, content_type="text/html; charset=utf-8"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def post_to_acs(self, response, destination, relay_state):
        info = IDP.apply_binding(BINDING_HTTP_POST, str(response), destination, relay_state, response=True)
        self.send(200, info["data"])

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/metadata":
            metadata = create_metadata_string(None, IDP.config, valid=24, sign=False)
            if isinstance(metadata, bytes):
                metadata = metadata.decode()
            return self.send(200, metadata, "application/samlmetadata+xml")
        if url.path == "/sso/redirect":
            request = IDP.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT).message
            fields = "".join(
                '<input type="hidden" name="%s" value="%s">' % (k, html.escape(v))
                for k, v in [("request_id", request.id), ("acs", request.assertion_consumer_service_url),
                             ("relay_state", query.get("RelayState", ""))])
            page = ("<!doctype html><title>Acme IdP</title><h1>Acme IdP</h1>"
                    "<form method=post action=/sso/login>%s"
                    '<input id=email name=email><button id=sign-in type=submit>Sign in</button></form>'
                    % fields)
            return self.send(200, page)
        if url.path == "/start":
            acs = IDP.metadata.assertion_consumer_service(SP_ENTITY_ID, BINDING_HTTP_POST)[0]["location"]
            response = okta_response(query["email"], None, acs)
            return self.post_to_acs(response, acs, "")
        self.send(404, "not found")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode(), keep_blank_values=True).items()}
        if urlsplit(self.path).path != "/sso/login":
            return self.send(404, "not found")
        response = okta_response(form["email"], form["request_id"], form["acs"])
        self.post_to_acs(response, form["acs"], form["relay_state"])

    def log_message(self, *args):
        pass


def main():
    global IDP, SP_ENTITY_ID
    IDP = server()
    SP_ENTITY_ID = list(IDP.metadata.keys())[0]
    httpd = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
    print("listening on", BASE, flush=True)
    sys.stdout.flush()
    httpd.serve_forever()


if __name__ == "__main__":
    main()
