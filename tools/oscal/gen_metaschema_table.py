#!/usr/bin/env python3
"""Derives the OSCAL metaschema mapping table (data/oscal/metaschema.json) from NIST's complete XSD and JSON Schema.

The converter between OSCAL's XML and JSON/YAML forms needs, for every definition, what the metaschema says:
which XML attributes are flags, which child elements are fields or assemblies, their JSON key (the group-as
name), whether they repeat, the order of the XML content model, the data type of each value, the JSON key of
a field's value when the field has flags, and where markup-multiline appears unwrapped (prose).  The XSD gives
the XML side, the JSON Schema the JSON side; both come from the same metaschema, so named types correspond
by (module, name) and local definitions by position.

Usage: gen_metaschema_table.py COMPLETE.xsd COMPLETE_SCHEMA.json OUT.json
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

XS = '{http://www.w3.org/2001/XMLSchema}'


def main(xsd_path, json_path, out_path):
    xsd = ET.parse(xsd_path).getroot()
    js = json.load(open(json_path))
    jdefs = js['definitions']
    by_id = {}
    for k, v in jdefs.items():
        if '$id' in v:
            by_id[v['$id']] = v
    # XSD named type "oscal-metadata-property-ASSEMBLY" <-> JSON "#assembly_oscal-metadata_property".
    json_for_xsd_type = {}
    for jid, v in by_id.items():
        m = re.match(r'#(assembly|field)_(oscal-[a-z-]+?)_(.+)$', jid)
        if m:
            json_for_xsd_type[f'{m.group(2)}-{m.group(3)}-{m.group(1).upper()}'] = jid

    named = {ct.get('name'): ct for ct in xsd.findall(XS + 'complexType')}
    simple_types = {st.get('name') for st in xsd.findall(XS + 'simpleType')}
    defs = {}

    def resolve_jref(js_node):
        while '$ref' in js_node and js_node['$ref'].startswith('#') and not js_node['$ref'].startswith('#/'):
            js_node = by_id[js_node['$ref']]
        return js_node

    def jref_target(js_prop):
        """The $id a JSON property refers to (through items), or None for inline/datatype."""
        node = js_prop.get('items', js_prop)
        r = node.get('$ref')
        if r and not r.startswith('#/'):
            return r
        return None

    simple_base = {}
    for st in xsd.findall(XS + 'simpleType'):
        r = st.find(XS + 'restriction')
        if r is not None and r.get('base', '').startswith('xs:') is False:
            simple_base[st.get('name')] = r.get('base')

    def node_type(node):
        t = node.get('type')
        if t is None:
            st = node.find(XS + 'simpleType')
            if st is not None and st.find(XS + 'restriction') is not None:
                t = st.find(XS + 'restriction').get('base')
        return t

    def scalar_type(xsd_type):
        t = xsd_type or 'StringDatatype'
        t = {'xs:nonNegativeInteger': 'NonNegativeIntegerDatatype', 'xs:boolean': 'BooleanDatatype'}.get(t, t)
        if t.startswith('xs:'):
            t = 'StringDatatype'
        while t.endswith('-FIELD') or t.endswith('-FLAG'):
            t = simple_base[t]
        return t

    def build(def_id, ct, jnode):
        """ct: xs:complexType element; jnode: JSON schema object for the same definition."""
        if def_id in defs:
            return
        entry = {}
        defs[def_id] = entry
        flags = []
        sc = ct.find(XS + 'simpleContent')
        cc = ct.find(XS + 'complexContent')
        holder = ct
        if sc is not None or cc is not None:
            ext = (sc if sc is not None else cc).find(XS + 'extension')
            holder = ext
            entry['kind'] = 'field'
            entry['type'] = ext.get('base')
        elif ct.find(XS + 'group') is not None and ct.find(XS + 'group').get('ref') == 'blockElementGroup':
            entry['kind'] = 'field'  # markup-multiline: block elements straight inside the element
            entry['type'] = 'MarkupMultilineDatatype'
        else:
            entry['kind'] = 'assembly'
        for a in holder.findall(XS + 'attribute'):
            flags.append([a.get('name'), scalar_type(node_type(a)), a.get('use') == 'required'])
        entry['flags'] = flags
        jprops = dict(jnode.get('properties', {}))
        for f in flags:
            jprops.pop(f[0], None)
        if entry['kind'] == 'field':
            if flags:
                rest = [k for k in jprops]
                if len(rest) != 1:
                    raise SystemExit(f'{def_id}: cannot find the value key among {rest}')
                entry['value_key'] = rest[0]
            return
        model = []
        seq = ct.find(XS + 'sequence')
        items = []

        def walk(node, in_choice):
            for child in node:
                if child.tag == XS + 'element':
                    items.append((child, in_choice))
                elif child.tag == XS + 'choice':
                    walk(child, True)
                elif child.tag == XS + 'sequence':
                    walk(child, in_choice)
                elif child.tag == XS + 'group':
                    items.append((child, in_choice))
                elif child.tag == XS + 'any':
                    items.append((child, in_choice))
        if seq is not None:
            walk(seq, False)
        remaining = list(jprops.keys())
        pending = []
        for el, in_choice in items:
            if el.tag == XS + 'group':
                # Unwrapped markup-multiline: block elements straight inside the assembly.
                cand = [k for k in remaining if jprops[k].get('type') == 'string' and 'items' not in jprops[k]]
                key = 'prose' if 'prose' in remaining else None
                if key is None:
                    raise SystemExit(f'{def_id}: unwrapped markup without a JSON key among {remaining} {cand}')
                remaining.remove(key)
                model.append({'prose': True, 'json': key})
                continue
            if el.tag == XS + 'any':
                raise SystemExit(f'{def_id}: xs:any not supported')
            name = el.get('name')
            many = el.get('maxOccurs', '1') != '1'
            typ = el.get('type')
            item = {'xml': name, 'many': many, 'required': el.get('minOccurs', '1') != '0'}
            if in_choice:
                item['choice'] = True
            key = None
            if typ and typ in named:
                target = json_for_xsd_type.get(typ)
                for k in remaining:
                    if jref_target(jprops[k]) == target:
                        key = k
                        break
                if key is None:
                    raise SystemExit(f'{def_id}: no JSON property for {name} ({typ}) among {remaining}')
                item['def'] = typ
                build(typ, named[typ], by_id[target])
            else:
                if name in remaining:
                    key = name
                item['_el'] = el
                pending.append(item)
            if key is not None:
                remaining.remove(key)
                item['json'] = key
            model.append(item)
        # Local definitions whose JSON key differs from the element name: pair by position.
        for item in pending:
            if 'json' not in item:
                if not remaining:
                    raise SystemExit(f'{def_id}: no JSON property left for {item["xml"]}')
                item['json'] = remaining.pop(0)
        if remaining:
            raise SystemExit(f'{def_id}: JSON properties without an XML counterpart: {remaining}')
        for item in pending:
            el = item.pop('_el')
            jp = jprops[item['json']]
            jitem = jp.get('items', jp) if item['many'] else jp
            typ = el.get('type')
            inline = el.find(XS + 'complexType')
            if not item['many'] and jp.get('type') == 'array' and inline is not None:
                # XML-grouped: a wrapper element around the repeated members (e.g. revisions/revision).
                inner = inline.find(XS + 'sequence')
                members = [] if inner is None else inner.findall(XS + 'element')
                if len(members) != 1 or members[0].get('maxOccurs', '1') == '1' or inline.findall(XS + 'attribute'):
                    raise SystemExit(f'{def_id}: {item["xml"]} repeats in JSON only')
                item['group_xml'] = item['xml']
                el = members[0]
                item['xml'] = el.get('name')
                item['many'] = True
                typ = el.get('type')
                inline = el.find(XS + 'complexType')
                jitem = jp['items']
                if typ and typ in named:
                    item['def'] = typ
                    build(typ, named[typ], by_id[json_for_xsd_type[typ]])
                    continue
            if item['many'] != (jp.get('type') == 'array'):
                raise SystemExit(f'{def_id}: {item["xml"]} repeats in one form but not the other')
            if inline is not None:
                sub_id = f'{def_id}/{item["xml"]}'
                item['def'] = sub_id
                jres = resolve_jref(jitem)
                build(sub_id, inline, jres)
            else:
                # A field without flags whose value has a simple type.
                item['type'] = scalar_type(node_type(el))
        entry['model'] = model

    roots = {}
    for el in xsd.findall(XS + 'element'):
        typ = el.get('type')
        roots[el.get('name')] = typ
        build(typ, named[typ], by_id[json_for_xsd_type[typ]])
    # Named field types used as attributes' or fields' simple types are data types (no entry needed).
    # Attach JSON scalar kinds of the data types.
    kinds = {}
    used = set()
    for d in defs.values():
        used.update(f[1] for f in d['flags'])
        if d['kind'] == 'field':
            used.add(d['type'])
        used.update(i['type'] for i in d.get('model', []) if 'type' in i)
    for name in sorted(used):
        kinds[name] = ('integer' if 'Integer' in name else 'number' if 'Decimal' in name
                       else 'boolean' if 'Boolean' in name else 'string')
    out = {'oscal_version': xsd.get('version'), 'roots': roots, 'datatypes': kinds, 'defs': defs}
    with open(out_path, 'w') as f:
        json.dump(out, f, indent=0, sort_keys=True, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main(*sys.argv[1:])
