#!/usr/bin/python3
"""Checks pjm's provenance documents offline with Debian's libraries.

  provenance_check.py ro-crate CONTEXT METADATA_FILE   (a Process Run Crate 0.5)
  provenance_check.py prov PROV_JSON_FILE JOB_UUID...  (W3C PROV-JSON)

ro-crate: parses ro-crate-metadata.json as JSON-LD with rdflib against the bundled RO-Crate 1.1
context (its remote context reference replaced by that copy: no network), then checks each
MUST of RO-Crate 1.1's metadata and root data entity and of the Process Run Crate profile 0.5,
in the JSON and in the RDF graph, and the history's linked list. prov: reads the document with
the `prov` package and checks the job activities, their plans and what they generated.
Prints one line per failed check and exits 1 when any failed.
"""
import json
import re
import sys

failures = []
passed = []


def check(ok, what, rule=None):
    """Records one requirement: `rule` names it in the list of what passed (default: `what`,
    which says, when it fails, where)."""
    if ok:
        passed.append(rule or what)
    else:
        failures.append(what)


ISO = re.compile(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$")
PROFILE = "https://w3id.org/ro/wfrun/process/0.5"
SPEC = "https://w3id.org/ro/crate/1.1"
STATUSES = {f"http://schema.org/{s}ActionStatus" for s in ("Completed", "Failed", "Active", "Potential")}


def as_list(v):
    return v if isinstance(v, list) else [v]


def ids(v):
    return [x["@id"] for x in as_list(v) if isinstance(x, dict) and "@id" in x]


def types(e):
    return as_list(e.get("@type", []))


def ro_crate(context_file, path):
    import rdflib
    from rdflib.namespace import RDF

    doc = json.load(open(path, encoding="utf-8"))
    check(doc.get("@context") == SPEC + "/context", "@context is the RO-Crate 1.1 context")
    graph = doc.get("@graph")
    check(isinstance(graph, list) and graph, "@graph is a non-empty array")
    # RO-Crate 1.1: a flat graph, every entity with a unique @id, references as {"@id"} only.
    by_id = {}
    for e in graph:
        check(isinstance(e, dict) and "@id" in e and "@type" in e, f"entity with @id and @type: {e}", "RO-Crate 1.1: every entity has @id and @type")
        check(e["@id"] not in by_id, f"@id used once: {e['@id']}", "RO-Crate 1.1: each @id names one entity")
        by_id[e["@id"]] = e
        for k, v in e.items():
            for x in as_list(v):
                if isinstance(x, dict):
                    check(list(x) == ["@id"], f"{e['@id']}.{k}: nested entity (graph not flat)",
                          "RO-Crate 1.1: a flat graph, references as {\"@id\"} only")
    for e in graph:
        for k, v in e.items():
            if k == "@id":
                continue
            for ref in ids(v):
                if not ref.startswith("http"):
                    check(ref in by_id, f"{e['@id']}.{k} -> {ref}: a local reference to an entity of the graph",
                          "every local reference names an entity of the graph")
    # The metadata descriptor.
    md = by_id.get("ro-crate-metadata.json", {})
    check("CreativeWork" in types(md), "metadata descriptor is a CreativeWork")
    check(ids(md.get("about")) == ["./"], "metadata descriptor is about the root ./")
    check(any(i.startswith(SPEC) for i in ids(md.get("conformsTo"))), "metadata descriptor conformsTo RO-Crate 1.1")
    # The root data entity.
    root = by_id.get("./", {})
    check("Dataset" in types(root), "root is a Dataset")
    check(root.get("@id", "").endswith("/"), "root @id ends with /")
    for k in ("name", "description"):
        check(isinstance(root.get(k), str) and root[k], f"root has {k}")
    check(isinstance(root.get("datePublished"), str) and ISO.match(root["datePublished"]),
          "root datePublished is an ISO 8601 date")
    # Process Run Crate 0.5.
    check(PROFILE in ids(root.get("conformsTo")), "root conformsTo the Process Run Crate 0.5 permalink")
    check("CreativeWork" in types(by_id.get(PROFILE, {})), "the profile is a CreativeWork entity")
    actions = [e for e in graph if set(types(e)) & {"CreateAction", "ActivateAction"}]
    check(actions, "at least one CreateAction")
    mentions = ids(root.get("mentions"))
    for a in actions:
        check(a["@id"] in mentions, f"{a['@id']}: listed in the root's mentions", "profile: each action is in the root's mentions")
        inst = ids(a.get("instrument"))
        check(len(inst) == 1, f"{a['@id']}: instrument MUST name the tool", "profile MUST: each CreateAction has an instrument")
        for i in inst:
            tool = by_id.get(i, {})
            check(set(types(tool)) & {"SoftwareApplication", "SoftwareSourceCode", "ComputationalWorkflow"},
                  f"{i}: the instrument is a SoftwareApplication", "profile MUST: the instrument is a SoftwareApplication")
            check(isinstance(tool.get("name"), str), f"{i}: the tool has a name", "profile SHOULD: the tool has a name")
        for k in ("startTime", "endTime"):
            if k in a:
                check(ISO.match(a[k]) is not None, f"{a['@id']}: {k} in ISO 8601", "profile: startTime and endTime in ISO 8601")
        status = ids(a.get("actionStatus"))
        check(len(status) <= 1 and set(status) <= STATUSES, f"{a['@id']}: actionStatus is a schema.org status", "profile: actionStatus is a schema.org ActionStatus")
        if "error" in a:
            check(status == ["http://schema.org/FailedActionStatus"], f"{a['@id']}: error only when failed", "profile: error only with FailedActionStatus")
        for r in ids(a.get("result")) + ids(a.get("object")):
            check(set(types(by_id.get(r, {}))) & {"File", "Dataset", "Collection", "CreativeWork", "PropertyValue"},
                  f"{r}: object/result is a File, Dataset, Collection, CreativeWork or PropertyValue",
                  "profile: object and result are data entities or PropertyValues")
    # The history: an ItemList whose ListItems link both ways, positions ascending.
    for lst in (e for e in graph if "ItemList" in types(e)):
        items = [by_id[i] for i in ids(lst.get("itemListElement"))]
        check(len(items) == lst.get("numberOfItems"), f"{lst['@id']}: numberOfItems matches", "history: numberOfItems matches the list")
        for n, it in enumerate(items):
            check("ListItem" in types(it), f"{it['@id']}: a ListItem", "history: every element is a ListItem")
            if n:
                check(ids(it.get("previousItem")) == [items[n - 1]["@id"]], f"{it['@id']}: previousItem", "history: previousItem links each item to the one before")
                check(ids(items[n - 1].get("nextItem")) == [it["@id"]], f"{items[n-1]['@id']}: nextItem", "history: nextItem links each item to the one after")
                check(it["position"] == items[n - 1]["position"] + 1, f"{it['@id']}: position ascending", "history: positions ascend by one")
            ev = by_id.get(ids(it.get("item"))[0], {})
            check("UpdateAction" in types(ev) and ISO.match(ev.get("endTime", "")), f"{it['@id']}: an event with a time", "history: each item is an UpdateAction with its time")
        check("previousItem" not in items[0] and "nextItem" not in items[-1], f"{lst['@id']}: ends unlinked", "history: the list's ends are unlinked")
    # The same crate as RDF, through the bundled context.
    ctx = json.load(open(context_file, encoding="utf-8"))["@context"]
    doc["@context"] = ctx
    g = rdflib.Graph()
    g.parse(data=json.dumps(doc), format="json-ld", base="http://crate.invalid/pjm/")
    S = rdflib.Namespace("http://schema.org/")
    base = "http://crate.invalid/pjm/"
    root_iri = rdflib.URIRef(base)
    check((root_iri, RDF.type, S.Dataset) in g, "RDF: the root is a schema:Dataset")
    check((root_iri, rdflib.URIRef("http://purl.org/dc/terms/conformsTo"), rdflib.URIRef(PROFILE)) in g,
          "RDF: the root dct:conformsTo the profile")
    for a in actions:
        iri = rdflib.URIRef(a["@id"])
        check((iri, RDF.type, S.CreateAction) in g, f"RDF: {a['@id']} is a schema:CreateAction", "RDF: each action is a schema:CreateAction")
        check(len(list(g.objects(iri, S.instrument))) == 1, f"RDF: {a['@id']} has one schema:instrument", "RDF: each action has one schema:instrument")
        check((root_iri, S.mentions, iri) in g, f"RDF: the root schema:mentions {a['@id']}", "RDF: the root schema:mentions each action")
    undefined = [str(p) for p in set(g.predicates()) if not str(p).startswith(("http://schema.org/", "http://purl.org/dc/terms/", str(RDF)))]
    check(not undefined, f"RDF: every property maps to a vocabulary term (unmapped: {undefined})")
    check(len(g) > 20, f"RDF: the graph holds the crate ({len(g)} triples)", "RDF: the crate parses into its triples")
    print(f"ro-crate: {len(graph)} entities, {len(g)} triples, {len(actions)} actions")


def prov(path, jobs):
    import prov.model as pm
    from prov.model import ProvActivity, ProvAssociation, ProvEntity, ProvGeneration, ProvUsage

    def uri(record, attr):
        values = list(record.get_attribute(attr))
        return values[0].uri if values and hasattr(values[0], "uri") else None

    doc = pm.ProvDocument.deserialize(path, format="json")
    check(doc.get_provn(), "PROV-N serialization of the document")
    acts = {r.identifier.uri: r for r in doc.get_records(ProvActivity)}
    ents = {r.identifier.uri: r for r in doc.get_records(ProvEntity)}
    assoc = list(doc.get_records(ProvAssociation))
    gens = list(doc.get_records(ProvGeneration))
    for job in jobs:
        name = f"urn:uuid:{job}"
        a = acts.get(name)
        check(a is not None, f"{job}: a prov:Activity")
        if a is None:
            continue
        check("urn:pjm:PipelineJob" in {v.uri for v in a.get_asserted_types()}, f"{job}: typed pjm:PipelineJob")
        plans = [uri(r, "prov:plan") for r in assoc if uri(r, "prov:activity") == name]
        check(len(plans) == 1, f"{job}: one wasAssociatedWith")
        plan = ents.get(plans[0]) if plans else None
        check(plan is not None and "http://www.w3.org/ns/prov#Plan" in {v.uri for v in plan.get_asserted_types()},
              f"{job}: associated with a prov:Plan entity")
        status = str(next(iter(a.get_attribute("pjm:status")), ""))
        made = [uri(r, "prov:entity") for r in gens if uri(r, "prov:activity") == name]
        if status == "completed":
            check(len(made) == 1 and made[0] in ents, f"{job}: a completed job generated its archive entity")
        else:
            check(not made, f"{job}: an unfinished or failed job generated nothing")
    print(f"prov: {len(acts)} activities, {len(ents)} entities, {len(assoc)} associations, "
          f"{len(gens)} generations, {len(list(doc.get_records(ProvUsage)))} usages")


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "ro-crate":
        ro_crate(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 4 and sys.argv[1] == "prov":
        prov(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
    # Every requirement checked, each once, in the order first met.
    for what in dict.fromkeys(passed):
        print("ok:  ", what)
    for f in failures:
        print("FAIL:", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
