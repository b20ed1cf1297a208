"""A scripted transport for FirewallConnection unit tests (no network, no emulator)."""

import xml.etree.ElementTree as ET


def reply(xml):
    return ET.fromstring(xml)


OK = '<response status="success"><result/></response>'
KEY = '<response status="success"><result><key>LUFRPT1abc123==</key></result></response>'


class FakeTransport:
    """Replies from a script: each item is XML text, an Element, an exception, or a callable(params)."""

    def __init__(self, *script, default=OK):
        self.script = list(script)
        self.default = default
        self.requests = []
        self.key = None

    def set_key(self, key):
        self.key = key

    def request(self, params):
        self.requests.append(dict(params))
        item = self.script.pop(0) if self.script else self.default
        if callable(item) and not isinstance(item, type):
            item = item(params)
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, str):
            return reply(item)
        return item

    def types(self):
        return [r["type"] for r in self.requests]


class TagStore:
    """A tiny in-memory firewall for User-ID: answers registered-ip reads (paged, one tag filter)
    and uid-messages (register/unregister), with optional per-IP rejections; user tags
    (register-user/unregister-user, ``show object registered-user all``) in ``users``."""

    def __init__(self, registrations=None, reject=None, users=None):
        self.tags = {ip: set(tags) for ip, tags in (registrations or {}).items()}
        self.users = {user: set(tags) for user, tags in (users or {}).items()}
        self.timeouts = {}
        self.reject = dict(reject or {})  # ip -> message
        self.messages = []

    def __call__(self, params):
        if params["type"] == "keygen":
            return reply(KEY)
        cmd = ET.fromstring(params["cmd"])
        if params["type"] == "op":
            return self._read(cmd)
        if params["type"] == "user-id":
            self.messages.append(cmd)
            return self._update(cmd)
        raise AssertionError(params)

    def _read(self, cmd):
        if cmd.find("./object/registered-user") is not None:
            return self._read_users(cmd.find("./object/registered-user/all"))
        node = cmd.find("./object/registered-ip")
        limit = int(node.findtext("limit"))
        start = int(node.findtext("start-point"))
        tag = node.find("./tag/entry")
        ips = sorted(ip for ip, tags in self.tags.items() if tags and (tag is None or tag.get("name") in tags))
        page = ips[start - 1:start - 1 + limit]
        result = ET.Element("result")
        for ip in page:
            entry = ET.SubElement(result, "entry", {"ip": ip, "from_agent": "0", "persistent": "1"})
            members = ET.SubElement(entry, "tag")
            for t in sorted(self.tags[ip]):
                ET.SubElement(members, "member").text = t
        ET.SubElement(result, "count").text = str(len(page))
        root = ET.Element("response", {"status": "success"})
        root.append(result)
        return root

    def _read_users(self, node):
        start, limit = int(node.findtext("start-point")), int(node.findtext("limit"))
        result = ET.Element("result")
        for user in sorted(u for u, tags in self.users.items() if tags)[start - 1:start - 1 + limit]:
            members = ET.SubElement(ET.SubElement(result, "entry", {"user": user}), "tag")
            for t in sorted(self.users[user]):
                ET.SubElement(members, "member").text = t
        root = ET.Element("response", {"status": "success"})
        root.append(result)
        return root

    def _update(self, cmd):
        failed = []
        for section in cmd.find("payload"):
            for entry in section:
                if section.tag.endswith("-user"):
                    held = self.users.setdefault(entry.get("user"), set())
                    for member in entry.findall("./tag/member"):
                        (held.add if section.tag == "register-user" else held.discard)(member.text)
                        self.timeouts[(entry.get("user"), member.text)] = member.get("timeout")
                    continue
                ip = entry.get("ip")
                if ip in self.reject:
                    failed.append((section.tag, ip, self.reject[ip]))
                    continue
                for member in entry.findall("./tag/member"):
                    if section.tag == "register":
                        if member.text in self.tags.get(ip, set()):
                            failed.append((section.tag, ip, "tag %s already exists, ignore" % member.text))
                        self.tags.setdefault(ip, set()).add(member.text)
                        self.timeouts[(ip, member.text)] = member.get("timeout")
                    else:
                        if member.text not in self.tags.get(ip, set()):
                            failed.append((section.tag, ip, "ip %s does not exist, ignore unreg" % ip))
                        self.tags.get(ip, set()).discard(member.text)
        if not failed:
            return reply('<response status="success"><result><uid-response><version>2.0</version><payload>'
                         '<register/></payload></uid-response></result></response>')
        root = ET.Element("response", {"status": "error"})
        payload = ET.SubElement(ET.SubElement(ET.SubElement(ET.SubElement(root, "msg"), "line"), "uid-response"),
                                "payload")
        for section, ip, message in failed:
            node = payload.find(section)
            if node is None:
                node = ET.SubElement(payload, section)
            ET.SubElement(node, "entry", {"ip": ip, "message": message})
        return root
