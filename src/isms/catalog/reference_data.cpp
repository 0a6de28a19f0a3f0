#include "isms/catalog/reference_data.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "isms/catalog/catalog.hpp"

#include "isms/core/crypto.hpp"
#include "isms/core/embedded.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/io/csv.hpp"

ISMS_DECLARE_EMBEDDED(reference)

namespace isms::catalog {

using store::V;

namespace {

std::vector<std::string> SplitSemicolon(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < s.size()) {
        size_t p = s.find(';', start);
        if (p == std::string::npos) p = s.size();
        if (p > start) out.push_back(s.substr(start, p - start));
        start = p + 1;
    }
    return out;
}

// Reads a CSV with exactly the expected columns.
io::CsvDocument ReadCsv(std::string_view file, std::string_view text, const std::vector<std::string>& columns) {
    io::CsvDocument doc;
    try {
        doc = io::ParseCsv(text);
    } catch (const Error& e) {
        throw Error::InvalidInput(fmt::format("reference data {}: {}", file, e.what()), e.details());
    }
    if (doc.header != columns) {
        std::string want;
        for (const auto& c : columns) want += (want.empty() ? "" : ",") + c;
        throw Error::InvalidInput(fmt::format("reference data {}: expected the columns {}", file, want),
                                  {{.field = "header", .message = "unexpected columns", .allowed = columns, .line = 1}});
    }
    return doc;
}

struct ControlRow {
    std::string id, title;
    Json attributes;  // family → [values]
    int64_t position = 0;
};

struct Parsed {
    std::vector<ControlRow> controls;
    std::vector<std::array<std::string, 3>> mapping;  // old id, old title, new id
    std::vector<std::array<std::string, 4>> clauses;
};

Parsed ParseFiles(const ReferenceFiles& files) {
    Parsed p;
    auto families = Iso27002Families();
    std::vector<std::string> cols = {"id", "theme", "title"};
    for (const auto& f : families)
        if (f.name != "theme") cols.push_back(f.name);
    auto controls = ReadCsv("controls.csv", files.controls_csv, cols);
    std::set<std::string> ids;
    for (const auto& r : controls.records) {
        ControlRow c;
        c.id = r.fields[0];
        c.title = r.fields[2];
        c.position = static_cast<int64_t>(p.controls.size()) + 1;
        auto bad = [&](const std::string& field, const std::string& msg, std::vector<std::string> allowed = {}) {
            return Error::InvalidInput(fmt::format("reference data controls.csv line {}: {}: {}", r.line, field, msg),
                                       {{.field = field, .message = msg, .allowed = std::move(allowed), .line = r.line}});
        };
        if (c.id.empty() || !ids.insert(c.id).second) throw bad("id", "empty or repeated id '" + c.id + "'");
        if (c.title.empty()) throw bad("title", "empty title");
        c.attributes = Json::object();
        for (const auto& f : families) {
            int col = controls.Column(f.name);
            auto values = SplitSemicolon(r.fields[static_cast<size_t>(col)]);
            if (values.empty()) throw bad(f.name, "no value");
            for (const auto& v : values)
                if (std::find(f.values.begin(), f.values.end(), v) == f.values.end())
                    throw bad(f.name, "value '" + v + "' outside the vocabulary", f.values);
            c.attributes[f.name] = values;
        }
        p.controls.push_back(std::move(c));
    }
    auto mapping = ReadCsv("mapping-2013-2022.csv", files.mapping_csv, {"id_2013", "title_2013", "id_2022"});
    std::set<std::pair<std::string, std::string>> pairs;
    for (const auto& r : mapping.records) {
        if (!ids.count(r.fields[2]))
            throw Error::InvalidInput(
                fmt::format("reference data mapping-2013-2022.csv line {}: id_2022 '{}' is not a control", r.line,
                            r.fields[2]),
                {{.field = "id_2022", .message = "unknown control", .line = r.line}});
        if (!pairs.insert({r.fields[0], r.fields[2]}).second)
            throw Error::InvalidInput(
                fmt::format("reference data mapping-2013-2022.csv line {}: repeated row", r.line),
                {{.field = "id_2013", .message = "repeated row", .line = r.line}});
        p.mapping.push_back({r.fields[0], r.fields[1], r.fields[2]});
    }
    auto clauses = ReadCsv("clauses.csv", files.clauses_csv,
                           {"id", "title", "documented_information_required", "guidance_topic"});
    for (const auto& r : clauses.records) p.clauses.push_back({r.fields[0], r.fields[1], r.fields[2], r.fields[3]});
    return p;
}

// The stored built-in controls: id → (title, attributes), to report what an upgrade changed.
std::map<std::string, std::string> StoredControls(store::Db& db) {
    std::map<std::string, std::string> out;
    for (const auto& r : db.Query("SELECT id, title, attributes_json FROM controls WHERE org_id = '' AND "
                                  "framework_id = ?",
                                  {V(kIso27002)}))
        out[r.Str(0)] = r.Str(1) + "\n" + Json::parse(r.Str(2)).dump();
    return out;
}

}  // namespace

Json FamiliesToJson(const std::vector<AttributeFamily>& families) {
    Json arr = Json::array();
    for (const auto& f : families)
        arr.push_back({{"name", f.name},
                       {"description", f.description},
                       {"values", f.values},
                       {"overridable", f.overridable},
                       {"multi_valued", f.multi_valued}});
    return arr;
}

std::vector<AttributeFamily> FamiliesFromJson(const Json& j) {
    std::vector<AttributeFamily> out;
    if (!j.is_array()) return out;
    for (const auto& f : j) {
        AttributeFamily a;
        a.name = f.value("name", "");
        a.description = f.value("description", "");
        if (f.contains("values") && f["values"].is_array())
            for (const auto& v : f["values"]) a.values.push_back(v.get<std::string>());
        a.overridable = f.value("overridable", true);
        a.multi_valued = f.value("multi_valued", true);
        if (!a.name.empty()) out.push_back(std::move(a));
    }
    return out;
}

ReferenceFiles EmbeddedReferenceFiles() {
    auto files = isms_embedded_reference();
    auto get = [&](const char* name) {
        auto f = embedded::Find(files, name);
        if (!f) throw Error::Internal(fmt::format("reference data file {} is not embedded", name));
        return std::string(*f);
    };
    return {get("controls.csv"), get("mapping-2013-2022.csv"), get("clauses.csv")};
}

std::vector<AttributeFamily> Iso27002Families() {
    return {
        {"theme", "the clause of ISO/IEC 27002:2022 the control sits in",
         {"organizational", "people", "physical", "technological"}, false, false},
        {"control_type", "when the control acts on an incident: before it, while it happens, after it",
         {"Preventive", "Detective", "Corrective"}},
        {"security_properties", "which property of information the control preserves",
         {"Confidentiality", "Integrity", "Availability"}},
        {"cybersecurity_concepts", "the cybersecurity-framework function the control serves",
         {"Identify", "Protect", "Detect", "Respond", "Recover"}},
        {"operational_capabilities", "the practitioner's area of work the control belongs to",
         {"Governance", "Asset_management", "Information_protection", "Human_resource_security",
          "Physical_security", "System_and_network_security", "Application_security", "Secure_configuration",
          "Identity_and_access_management", "Threat_and_vulnerability_management", "Continuity",
          "Supplier_relationships_security", "Legal_and_compliance", "Information_security_event_management",
          "Information_security_assurance"}},
        {"security_domains", "the security domain the control contributes to",
         {"Governance_and_Ecosystem", "Protection", "Defence", "Resilience"}},
        {"new_in_2022", "true for the controls that have no predecessor in the 2013 edition", {"true", "false"},
         false, false},
    };
}

ReferenceLoad EnsureReferenceData(store::Store& store, const ReferenceFiles& files) {
    ReferenceLoad out;
    out.data_hash = crypto::Sha256Hex("controls.csv\n" + files.controls_csv + "\nmapping-2013-2022.csv\n" +
                                      files.mapping_csv + "\nclauses.csv\n" + files.clauses_csv);
    auto stored_hash = [&](store::Db& db) -> std::string {
        auto r = db.QueryOne("SELECT data_hash FROM frameworks WHERE org_id = '' AND id = ?", {V(kIso27002)});
        return r ? r->Str(0) : "";
    };
    // The common case (every start of the program) costs one read and no write.
    if (store.Read(stored_hash) == out.data_hash) return out;

    Parsed parsed = ParseFiles(files);
    out.controls = static_cast<int>(parsed.controls.size());
    out.mappings = static_cast<int>(parsed.mapping.size());
    out.clauses = static_cast<int>(parsed.clauses.size());
    store.Write(Context::System(), [&](store::WriteTx& tx) {
        out.previous_hash = stored_hash(tx);
        if (out.previous_hash == out.data_hash) return;  // another process loaded it meanwhile
        auto before = StoredControls(tx);
        tx.Exec("DELETE FROM frameworks WHERE org_id = '' AND id = ?", {V(kIso27002)});
        tx.Exec("DELETE FROM controls WHERE org_id = '' AND framework_id = ?", {V(kIso27002)});
        tx.Exec("DELETE FROM control_mapping WHERE framework_id = ?", {V(kIso27002)});
        tx.Exec("DELETE FROM clauses");
        std::string now = time::NowUtc();
        tx.Exec("INSERT INTO frameworks (id, org_id, name, version, source, data_hash, attributes_json, loaded_at) "
                "VALUES (?, '', ?, ?, ?, ?, ?, ?)",
                {V(kIso27002), V("ISO/IEC 27001:2022 Annex A / ISO/IEC 27002:2022"), V("2022"), V("built-in"),
                 V(out.data_hash), V(FamiliesToJson(Iso27002Families()).dump()), V(now)});
        for (const auto& c : parsed.controls) {
            tx.Exec("INSERT INTO controls (org_id, framework_id, id, position, parent_id, title, attributes_json, "
                    "extra_json) VALUES ('', ?, ?, ?, NULL, ?, ?, NULL)",
                    {V(kIso27002), V(c.id), V(c.position), V(c.title), V(c.attributes.dump())});
            auto it = before.find(c.id);
            if (it == before.end()) {
                out.added.push_back(c.id);
            } else {
                if (it->second != c.title + "\n" + c.attributes.dump()) out.changed.push_back(c.id);
                before.erase(it);
            }
        }
        for (const auto& [id, _] : before) out.removed.push_back(id);
        for (const auto& m : parsed.mapping)
            tx.Exec("INSERT INTO control_mapping (framework_id, old_id, old_title, new_id) VALUES (?, ?, ?, ?)",
                    {V(kIso27002), V(m[0]), V(m[1]), V(m[2])});
        int64_t pos = 0;
        for (const auto& c : parsed.clauses)
            tx.Exec("INSERT INTO clauses (id, position, title, documented_information, guidance_topic) VALUES "
                    "(?, ?, ?, ?, ?)",
                    {V(c[0]), V(++pos), V(c[1]), V(c[2]), V(c[3])});
        // Servers holding the catalog in memory notice the new data through this counter (see catalog.hpp).
        MarkCatalogChanged(tx, "");
        Json before_json = out.previous_hash.empty() ? Json(nullptr) : Json{{"data_hash", out.previous_hash}};
        Json after_json = {{"data_hash", out.data_hash},
                           {"controls", out.controls},
                           {"mappings", out.mappings},
                           {"clauses", out.clauses}};
        if (!out.previous_hash.empty()) {
            after_json["added"] = out.added;
            after_json["changed"] = out.changed;
            after_json["removed"] = out.removed;
        }
        tx.Log("", "framework", kIso27002, out.previous_hash.empty() ? "create" : "update", before_json, after_json);
        out.written = true;
    });
    return out;
}

}  // namespace isms::catalog
