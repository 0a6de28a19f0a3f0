#!/usr/bin/env python3
"""The outline of a resolved OSCAL catalog (XML), as the NIST-baseline resolution test compares it.

    tools/oscal/resolved_outline.py RESOLVED.xml [--note TEXT] > OUTLINE.json

Prints a JSON object: "groups" (group ids, document order, nested groups as "outer/inner"), "controls" (every
control as the path of its group and ancestor controls, e.g. "ac/ac-2/ac-2.1", document order), "params"
(every parameter id, document order) and "resources" (back-matter resource uuids, document order), plus
"note" (where the resolved catalog came from). Used to pin what NIST's own profile resolver produces for the
SP 800-53 baselines (tests/data/oscal/nist-resolver/README.md).
"""
import argparse
import json
import sys
import xml.etree.ElementTree as ET

NS = "{http://csrc.nist.gov/ns/oscal/1.0}"


def walk(node, path, out):
    for child in node:
        tag = child.tag.replace(NS, "")
        if tag == "group":
            gpath = path + [child.get("id", "")]
            out["groups"].append("/".join(gpath))
            walk(child, gpath, out)
        elif tag == "control":
            cpath = path + [child.get("id")]
            out["controls"].append("/".join(cpath))
            walk(child, cpath, out)
        elif tag == "param":
            out["params"].append(child.get("id"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("resolved")
    ap.add_argument("--note", default="")
    a = ap.parse_args()
    root = ET.parse(a.resolved).getroot()
    if root.tag != NS + "catalog":
        sys.exit(f"{a.resolved}: not an OSCAL catalog in XML")
    out = {"note": a.note, "groups": [], "controls": [], "params": [], "resources": []}
    walk(root, [], out)
    bm = root.find(NS + "back-matter")
    if bm is not None:
        out["resources"] = [r.get("uuid") for r in bm.findall(NS + "resource")]
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
