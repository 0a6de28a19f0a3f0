#include "isms/catalog/catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "isms/catalog/render.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/io/csv.hpp"

namespace isms::catalog {

using store::V;

namespace {

using query::Join;
using query::Trim;



// "A.5.7" / "a.5.7" → "5.7": ISO/IEC 27001:2022 Annex A numbers its controls as 27002 does, with "A." before.
std::string StripAnnexPrefix(std::string_view id) {
    std::string s = Trim(id);
    if (s.size() > 2 && (s[0] == 'A' || s[0] == 'a') && s[1] == '.') s.erase(0, 2);
    return s;
}

query::Item ItemFromJson(const Json& j) {
    query::Item out;
    if (!j.is_object()) return out;
    for (const auto& [k, v] : j.items()) {
        query::Values vals;
        if (v.is_array()) {
            for (const auto& x : v)
                if (x.is_string()) vals.push_back(x.get<std::string>());
        } else if (v.is_string()) {
            vals.push_back(v.get<std::string>());
        }
        out[k] = std::move(vals);
    }
    return out;
}

Json ItemToJson(const query::Item& item) {
    Json j = Json::object();
    for (const auto& [k, v] : item) j[k] = v;
    return j;
}

query::Vocabulary BuildVocabulary(const std::vector<AttributeFamily>& families) {
    std::vector<query::FieldSpec> fields;
    fields.push_back({"id", "the control's identifier, e.g. 8.16", {}, true, false});
    fields.push_back({"title", "the control's title", {}, true, false});
    for (const auto& f : families) fields.push_back({f.name, f.description, f.values, f.values.empty(), f.multi_valued});
    fields.push_back({"predecessors", "ids of the 2013 Annex A controls the control replaces, e.g. A.12.4.1", {}, true,
                      true});
    fields.push_back({"overridden", "true when the organisation retagged the control", {"true", "false"}, false, false});
    fields.push_back({"text", "the organisation's imported description, purpose and guidance", {}, true, true});
    return query::Vocabulary(std::move(fields));
}

// Sorts values into the family's vocabulary order and drops repeats.
query::Values Ordered(const AttributeFamily& f, query::Values v) {
    std::vector<std::string> out;
    for (const auto& allowed : f.values)
        if (std::find(v.begin(), v.end(), allowed) != v.end()) out.push_back(allowed);
    for (const auto& x : v)  // values outside the vocabulary (free-text families) keep their order
        if (std::find(out.begin(), out.end(), x) == out.end()) out.push_back(x);
    return out;
}

void Upsert(store::WriteTx& tx, std::string_view update, const store::Params& update_params, std::string_view insert,
            const store::Params& insert_params) {
    if (tx.Exec(update, update_params) == 0) tx.Exec(insert, insert_params);
}

}  // namespace

const query::Values& Control::Values(const std::string& field) const {
    static const query::Values kNone;
    auto it = fields.find(field);
    return it == fields.end() ? kNone : it->second;
}

std::string Control::First(const std::string& field) const {
    const auto& v = Values(field);
    return v.empty() ? "" : v.front();
}

const Control* CatalogSnapshot::Find(std::string_view id) const {
    auto it = index.find(id);
    if (it == index.end()) it = index.find(StripAnnexPrefix(id));
    return it == index.end() ? nullptr : &controls[it->second];
}

AttributeChange AttributeChange::Parse(Kind kind, std::string_view text) {
    AttributeChange c;
    c.kind = kind;
    std::string s = Trim(text);
    size_t eq = s.find('=');
    if (eq == std::string::npos) {
        if (kind != Kind::kReset)
            throw Error::InvalidInput(
                fmt::format("expected FAMILY=VALUE[,VALUE…], e.g. operational_capabilities=Continuity; got '{}'", s),
                {{.field = "attributes", .message = "expected FAMILY=VALUE"}});
        c.family = s;
        return c;
    }
    c.family = Trim(s.substr(0, eq));
    std::string rest = s.substr(eq + 1);
    size_t start = 0;
    while (start <= rest.size()) {
        size_t comma = rest.find(',', start);
        if (comma == std::string::npos) comma = rest.size();
        std::string v = Trim(rest.substr(start, comma - start));
        if (!v.empty()) c.values.push_back(v);
        start = comma + 1;
    }
    if (c.family.empty() || (c.values.empty() && kind != Kind::kReset))
        throw Error::InvalidInput(fmt::format("expected FAMILY=VALUE[,VALUE…]; got '{}'", s),
                                  {{.field = "attributes", .message = "expected FAMILY=VALUE"}});
    return c;
}

void MarkCatalogChanged(store::WriteTx& tx, const std::string& org_id) {
    if (tx.Exec("UPDATE catalog_versions SET version = version + 1 WHERE org_id = ?", {V(org_id)}) == 0)
        tx.Exec("INSERT INTO catalog_versions (org_id, version) VALUES (?, 1)", {V(org_id)});
}

std::vector<Framework> CatalogService::Frameworks(const Context& ctx) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        std::vector<Framework> out;
        for (const auto& r : db.Query(
                 "SELECT f.id, f.org_id, f.name, f.version, f.source, f.data_hash, f.loaded_at, f.attributes_json, "
                 "(SELECT COUNT(*) FROM controls c WHERE c.org_id = f.org_id AND c.framework_id = f.id) "
                 "FROM frameworks f WHERE f.org_id = '' OR f.org_id = ? ORDER BY f.org_id, f.id",
                 {V(ctx.org_id)})) {
            Framework f;
            f.id = r.Str(0);
            f.built_in = r.Str(1).empty();
            f.name = r.Str(2);
            f.version = r.Str(3);
            f.source = r.Str(4);
            f.data_hash = r.Str(5);
            f.loaded_at = r.Str(6);
            f.families = FamiliesFromJson(r.JsonAt(7));
            f.controls = static_cast<int>(r.Int(8));
            out.push_back(std::move(f));
        }
        return out;
    });
}

std::pair<int64_t, int64_t> CatalogService::Versions(store::Db& db, const std::string& org_id) {
    std::pair<int64_t, int64_t> v{0, 0};
    for (const auto& r : db.Query("SELECT org_id, version FROM catalog_versions WHERE org_id = '' OR org_id = ?",
                                  {V(org_id)})) {
        if (r.Str(0).empty()) {
            v.first = r.Int(1);
        } else {
            v.second = r.Int(1);
        }
    }
    return v;
}

std::shared_ptr<CatalogSnapshot> CatalogService::Load(store::Db& db, const std::string& org_id,
                                                            std::string_view framework) {
    auto snap = std::make_shared<CatalogSnapshot>();
    auto fw = db.QueryOne(
        "SELECT id, org_id, name, version, source, data_hash, loaded_at, attributes_json FROM frameworks WHERE id = ? "
        "AND (org_id = '' OR org_id = ?) ORDER BY org_id DESC",
        {V(framework), V(org_id)});
    if (!fw) {
        std::vector<std::string> known;
        for (const auto& r : db.Query("SELECT id FROM frameworks WHERE org_id = '' OR org_id = ? ORDER BY id",
                                      {V(org_id)}))
            known.push_back(r.Str(0));
        throw Error::NotFound(fmt::format("no framework '{}'; available: {}", framework, Join(known)));
    }
    Framework& f = snap->framework;
    f.id = fw->Str(0);
    std::string owner = fw->Str(1);
    f.built_in = owner.empty();
    f.name = fw->Str(2);
    f.version = fw->Str(3);
    f.source = fw->Str(4);
    f.data_hash = fw->Str(5);
    f.loaded_at = fw->Str(6);
    f.families = FamiliesFromJson(fw->JsonAt(7));

    std::map<std::string, std::vector<Predecessor>> preds;
    for (const auto& r : db.Query("SELECT old_id, old_title, new_id FROM control_mapping WHERE framework_id = ?",
                                  {V(f.id)}))
        preds[r.Str(2)].push_back({r.Str(0), r.Str(1)});
    for (auto& [_, p] : preds)
        std::sort(p.begin(), p.end(), [](const auto& a, const auto& b) { return query::NaturalLess(a.id, b.id); });

    std::map<std::string, std::pair<query::Item, int64_t>> overrides;  // control → (override, version)
    for (const auto& r : db.Query("SELECT control_id, attributes_json, version FROM control_overrides WHERE "
                                  "org_id = ? AND framework_id = ?",
                                  {V(org_id), V(f.id)}))
        overrides[r.Str(0)] = {ItemFromJson(r.JsonAt(1)), r.Int(2)};
    struct Text {
        std::map<std::string, std::string> fields;
        std::string source, updated_at;
    };
    std::map<std::string, Text> texts;
    for (const auto& r : db.Query("SELECT control_id, text_json, source, updated_at FROM control_texts WHERE "
                                  "org_id = ? AND framework_id = ?",
                                  {V(org_id), V(f.id)})) {
        Text t;
        const Json stored = r.JsonAt(1);
        for (const auto& [k, v] : stored.items())
            if (v.is_string()) t.fields[k] = v.get<std::string>();
        t.source = r.Str(2);
        t.updated_at = r.Str(3);
        texts[r.Str(0)] = std::move(t);
    }

    for (const auto& r : db.Query("SELECT id, position, title, attributes_json FROM controls WHERE org_id = ? AND "
                                  "framework_id = ? ORDER BY position",
                                  {V(owner), V(f.id)})) {
        Control c;
        c.framework_id = f.id;
        c.id = r.Str(0);
        c.position = r.Int(1);
        c.title = r.Str(2);
        c.built_in = ItemFromJson(r.JsonAt(3));
        c.attributes = c.built_in;
        if (auto o = overrides.find(c.id); o != overrides.end()) {
            c.attributes_version = o->second.second;
            for (const auto& [family, values] : o->second.first) {
                c.attributes[family] = values;
                c.overridden_families.push_back(family);
            }
        }
        if (auto p = preds.find(c.id); p != preds.end()) c.predecessors = p->second;
        if (auto t = texts.find(c.id); t != texts.end()) {
            c.text = t->second.fields;
            c.text_source = t->second.source;
            c.text_updated_at = t->second.updated_at;
        }
        c.fields = c.attributes;
        c.fields["id"] = {c.id};
        c.fields["title"] = {c.title};
        auto& pv = c.fields["predecessors"];
        for (const auto& p : c.predecessors) pv.push_back(p.id);
        c.fields["overridden"] = {c.overridden_families.empty() ? "false" : "true"};
        auto& tv = c.fields["text"];
        for (const auto& name : TextFields())
            if (auto it = c.text.find(name); it != c.text.end()) tv.push_back(it->second);
        c.json = ControlJson(c).dump(-1, ' ', false, Json::error_handler_t::replace);
        snap->controls.push_back(std::move(c));
    }
    f.controls = static_cast<int>(snap->controls.size());
    snap->vocabulary = BuildVocabulary(f.families);
    for (size_t i = 0; i < snap->controls.size(); ++i) {
        snap->items.push_back(&snap->controls[i].fields);
        snap->index[snap->controls[i].id] = i;
    }
    return snap;
}

std::shared_ptr<const CatalogSnapshot> CatalogService::Snapshot(const Context& ctx, std::string_view framework) {
    RequirePermission(ctx, Permission::kRead);
    std::string key = ctx.org_id + "\n" + std::string(framework);
    uint64_t generation = 0;
    std::shared_ptr<const CatalogSnapshot> cached;
    {
        std::lock_guard lock(mutex_);
        generation = generation_;
        auto it = cache_.find(key);
        if (it != cache_.end() && it->second.generation == generation) {
            if (std::chrono::steady_clock::now() - it->second.checked < options_.revalidate_after)
                return it->second.snapshot;
            cached = it->second.snapshot;
        }
    }
    // The version and (on a miss) the data are read in one read transaction, so a snapshot is never labelled
    // with a version newer than its data.
    auto checked = std::chrono::steady_clock::now();
    auto snap = store_.Read([&](store::Db& db) -> std::shared_ptr<const CatalogSnapshot> {
        auto version = Versions(db, ctx.org_id);
        if (cached && cached->version == version) return cached;
        auto loaded = Load(db, ctx.org_id, framework);
        loaded->version = version;
        return loaded;
    });
    std::lock_guard lock(mutex_);
    if (generation == generation_) cache_[key] = {snap, checked, generation};
    return snap;
}

void CatalogService::Invalidate(const std::string& org_id) {
    std::lock_guard lock(mutex_);
    ++generation_;
    if (org_id.empty()) {
        cache_.clear();
        return;
    }
    std::string prefix = org_id + "\n";
    for (auto it = cache_.begin(); it != cache_.end();)
        it = it->first.compare(0, prefix.size(), prefix) == 0 ? cache_.erase(it) : std::next(it);
}

ControlList CatalogService::Query(const Context& ctx, const ControlQuery& q) {
    ControlList out;
    out.snapshot = Snapshot(ctx, q.framework);
    out.selection = Select(out.snapshot->items, q.spec, out.snapshot->vocabulary);
    out.columns = ParseFieldList(q.columns, out.snapshot->vocabulary, "column");
    return out;
}

const Control& RequireControl(const CatalogSnapshot& snap, std::string_view id) {
    if (const auto* c = snap.Find(id)) return *c;
    std::string range;
    if (!snap.controls.empty())
        range = fmt::format(" (ids run from {} to {})", snap.controls.front().id, snap.controls.back().id);
    throw Error::NotFound(fmt::format("no control '{}' in {}{}", Trim(id), snap.framework.id, range));
}

Control CatalogService::Show(const Context& ctx, std::string_view id, std::string_view framework) {
    auto snap = Snapshot(ctx, framework);
    Control c = RequireControl(*snap, id);
    std::string owner = snap->framework.built_in ? "" : ctx.org_id;
    store_.Read([&](store::Db& db) {
        auto row = db.QueryOne("SELECT extra_json FROM controls WHERE org_id = ? AND framework_id = ? AND id = ?",
                               {V(owner), V(snap->framework.id), V(c.id)});
        if (row && !row->IsNull(0)) {
            c.content = row->JsonAt(0);
            if (c.content.is_object()) c.content.erase("group_index");  // the importer's bookkeeping
        }
    });
    for (const auto& k : snap->controls)
        if (k.First("parent") == c.id) c.enhancements.emplace_back(k.id, k.title);
    return c;
}

Transition CatalogService::TransitionOf(const Context& ctx, std::string_view id) {
    auto snap = Snapshot(ctx, kIso27002);
    Transition t;
    t.query = Trim(id);
    std::string bare = StripAnnexPrefix(id);
    size_t dots = static_cast<size_t>(std::count(bare.begin(), bare.end(), '.'));
    bool digits_and_dots = !bare.empty() && std::all_of(bare.begin(), bare.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '.';
    });
    if (!digits_and_dots || (dots != 1 && dots != 2))
        throw Error::InvalidInput(
            fmt::format("'{}' is neither a 2013 Annex A id (like A.12.4.1) nor a 2022 control id (like 8.15)", t.query),
            {{.field = "id", .message = "expected A.N.N.N (2013) or N.N (2022)"}});
    auto title_2022 = [&](const std::string& cid) {
        const Control* c = snap->Find(cid);
        return c ? c->title : std::string();
    };
    if (dots == 2) {
        t.direction = "2013->2022";
        t.id = "A." + bare;
        for (const auto& c : snap->controls)
            for (const auto& p : c.predecessors)
                if (p.id == t.id) t.rows.push_back({p.id, p.title, c.id, c.title});
        if (t.rows.empty()) throw Error::NotFound(fmt::format("no 2013 Annex A control '{}'", t.id));
        return t;
    }
    t.direction = "2022->2013";
    const Control* c = snap->Find(bare);
    if (!c) throw Error::NotFound(fmt::format("no 2022 control '{}'", bare));
    t.id = c->id;
    t.new_in_2022 = c->First("new_in_2022") == "true";
    for (const auto& p : c->predecessors) t.rows.push_back({p.id, p.title, c->id, title_2022(c->id)});
    return t;
}

std::vector<VocabularyField> CatalogService::VocabularyOf(const Context& ctx, std::string_view framework) {
    auto snap = Snapshot(ctx, framework);
    std::vector<VocabularyField> out;
    for (const auto& spec : snap->vocabulary.fields()) {
        VocabularyField f;
        f.spec = spec;
        for (const auto& fam : snap->framework.families)
            if (fam.name == spec.name) f.overridable = fam.overridable;
        for (const auto& v : spec.values) {
            int n = 0;
            for (const auto& c : snap->controls) {
                const auto& have = c.Values(spec.name);
                if (std::find(have.begin(), have.end(), v) != have.end()) ++n;
            }
            f.values.push_back({v, n});
        }
        out.push_back(std::move(f));
    }
    return out;
}

Control CatalogService::ChangeAttributes(const Context& ctx, std::string_view id,
                                         const std::vector<AttributeChange>& changes, std::string_view framework,
                                         std::optional<int64_t> if_version) {
    RequirePermission(ctx, Permission::kCatalogEdit);
    auto snap = Snapshot(ctx, framework);
    const Control* control = &RequireControl(*snap, id);
    if (changes.empty())
        throw Error::InvalidInput("no change given: use set, add, remove or reset",
                                  {{.field = "attributes", .message = "no change"}});
    const auto& families = snap->framework.families;
    std::vector<std::string> retaggable;
    for (const auto& f : families)
        if (f.overridable) retaggable.push_back(f.name);
    auto family_of = [&](const std::string& name) -> const AttributeFamily& {
        for (const auto& f : families)
            if (query::EqualsIgnoreCase(f.name, name)) {
                if (!f.overridable)
                    throw Error::InvalidInput(
                        fmt::format("{} is a fact of the standard, not a tag, and cannot be retagged; retaggable: {}",
                                    f.name, Join(retaggable)),
                        {{.field = f.name, .message = "not retaggable", .allowed = retaggable}});
                return f;
            }
        throw Error::InvalidInput(fmt::format("unknown attribute family '{}'; retaggable: {}", name, Join(retaggable)),
                                  {{.field = name, .message = "unknown attribute family", .allowed = retaggable}});
    };

    const std::string control_id = control->id;
    const std::string entity_id = snap->framework.id + ":" + control_id;
    store_.Write(ctx, [&](store::WriteTx& tx) {
        auto row = tx.QueryOne("SELECT attributes_json FROM controls WHERE (org_id = '' OR org_id = ?) AND "
                               "framework_id = ? AND id = ?",
                               {V(ctx.org_id), V(snap->framework.id), V(control_id)});
        if (!row) throw Error::NotFound(fmt::format("no control '{}' in {}", control_id, snap->framework.id));
        query::Item built_in = ItemFromJson(row->JsonAt(0));
        auto stored = tx.QueryOne("SELECT attributes_json, version FROM control_overrides WHERE org_id = ? AND "
                                  "framework_id = ? AND control_id = ?",
                                  {V(ctx.org_id), V(snap->framework.id), V(control_id)});
        query::Item old_override = stored ? ItemFromJson(stored->JsonAt(0)) : query::Item{};
        const int64_t version = stored ? stored->Int(1) : 0;
        if (if_version && *if_version != version)
            throw Error(ErrorCode::kPreconditionFailed,
                        fmt::format("the attributes of {} changed meanwhile (now version {}, you sent {}): reload the "
                                    "control and apply your change again",
                                    control_id, version, *if_version),
                        {{.field = "If-Match", .message = "stale version"}});
        query::Item before = built_in;
        for (const auto& [k, v] : old_override) before[k] = v;

        query::Item after = before;
        for (const auto& ch : changes) {
            if (ch.kind == AttributeChange::Kind::kReset && ch.family.empty()) {
                after = built_in;
                continue;
            }
            const AttributeFamily& fam = family_of(ch.family);
            const query::FieldSpec* spec = snap->vocabulary.Find(fam.name);
            query::Values values;
            for (const auto& v : ch.values) values.push_back(snap->vocabulary.CanonicalValue(*spec, v));
            auto& cur = after[fam.name];
            switch (ch.kind) {
                case AttributeChange::Kind::kSet: cur = values; break;
                case AttributeChange::Kind::kAdd:
                    for (const auto& v : values)
                        if (std::find(cur.begin(), cur.end(), v) == cur.end()) cur.push_back(v);
                    break;
                case AttributeChange::Kind::kRemove:
                    for (const auto& v : values) {
                        auto it = std::find(cur.begin(), cur.end(), v);
                        if (it == cur.end())
                            throw Error::InvalidInput(
                                fmt::format("{} does not carry {} '{}' (it has: {})", control_id, fam.name, v,
                                            Join(cur)),
                                {{.field = fam.name, .message = "value not present", .allowed = cur}});
                        cur.erase(it);
                    }
                    break;
                case AttributeChange::Kind::kReset: cur = built_in[fam.name]; break;
            }
            cur = Ordered(fam, cur);
            if (cur.empty())
                throw Error::InvalidInput(
                    fmt::format("{} would have no {} left; a control keeps at least one value (use reset to go back "
                                "to the standard's tags)",
                                control_id, fam.name),
                    {{.field = fam.name, .message = "no value left", .allowed = fam.values}});
            if (!fam.multi_valued && cur.size() > 1)
                throw Error::InvalidInput(fmt::format("{} takes one value; got {}", fam.name, Join(cur)),
                                          {{.field = fam.name, .message = "one value only", .allowed = fam.values}});
        }
        query::Item new_override;
        for (const auto& [k, v] : after) {
            auto b = built_in.find(k);
            if (b == built_in.end() || b->second != v) new_override[k] = v;
        }
        if (new_override == old_override) return;  // nothing changes: no write, no log entry
        std::string now = time::NowUtc();
        // Going back to the standard's tags keeps the row with an empty override ('{}'), so that the version
        // goes on counting: an ETag read before the reset never matches again.
        std::string op = new_override.empty() ? "delete" : old_override.empty() ? "create" : "update";
        std::string j = ItemToJson(new_override).dump();
        Upsert(tx,
               "UPDATE control_overrides SET attributes_json = ?, updated_at = ?, updated_by = ?, version = ? WHERE "
               "org_id = ? AND framework_id = ? AND control_id = ?",
               {V(j), V(now), V(ctx.actor), V(version + 1), V(ctx.org_id), V(snap->framework.id), V(control_id)},
               "INSERT INTO control_overrides (org_id, framework_id, control_id, attributes_json, updated_at, "
               "updated_by, version) VALUES (?, ?, ?, ?, ?, ?, ?)",
               {V(ctx.org_id), V(snap->framework.id), V(control_id), V(j), V(now), V(ctx.actor), V(version + 1)});
        MarkCatalogChanged(tx, ctx.org_id);
        auto state = [](const query::Item& attrs, const query::Item& ov) {
            return Json{{"attributes", ItemToJson(attrs)}, {"override", ov.empty() ? Json(nullptr) : ItemToJson(ov)}};
        };
        tx.Log(ctx.org_id, "control_override", entity_id, op, state(before, old_override), state(after, new_override));
    });
    Invalidate(ctx.org_id);
    return Show(ctx, control_id, framework);
}

store::LoggedTable ControlOverridesLoggedTable() {
    store::LoggedTable t;
    t.entity = "control_override";
    t.current = [](store::Db& db) {
        std::map<std::pair<std::string, std::string>, Json> out;
        db.QueryEach("SELECT org_id, framework_id, control_id, attributes_json FROM control_overrides", {},
                     [&](const store::Row& r) {
                         Json ov = ItemToJson(ItemFromJson(r.JsonAt(3)));
                         // Back to the standard's tags keeps the row with '{}': no override.
                         out[{r.Str(0), r.Str(1) + ":" + r.Str(2)}] = {{"override", ov.empty() ? Json(nullptr) : ov}};
                     });
        return out;
    };
    t.logged_part = [](const Json& after) { return Json{{"override", after.value("override", Json(nullptr))}}; };
    t.absent = {{"override", nullptr}};
    return t;
}

TextImport CatalogService::ImportTexts(const Context& ctx, std::string_view csv, std::string source,
                                       std::string_view framework) {
    RequirePermission(ctx, Permission::kCatalogEdit);
    auto snap = Snapshot(ctx, framework);
    io::CsvDocument doc = io::ParseCsv(csv);  // kInvalidInput with the line for malformed CSV

    std::vector<ErrorDetail> problems;
    std::vector<std::string> allowed_columns = {"id"};
    for (const auto& f : TextFields()) allowed_columns.push_back(f);
    std::vector<std::pair<size_t, std::string>> text_columns;  // column index → text field
    int id_col = -1;
    for (size_t i = 0; i < doc.header.size(); ++i) {
        std::string name = Trim(doc.header[i]);
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (name == "id") {
            id_col = static_cast<int>(i);
        } else if (std::find(TextFields().begin(), TextFields().end(), name) != TextFields().end()) {
            text_columns.emplace_back(i, name);
        } else {
            problems.push_back({.field = doc.header[i], .message = fmt::format("unknown column '{}'", doc.header[i]),
                                .allowed = allowed_columns, .line = 1});
        }
    }
    if (id_col < 0)
        problems.push_back({.field = "id", .message = "the header has no 'id' column", .allowed = allowed_columns,
                            .line = 1});
    if (text_columns.empty())
        problems.push_back({.field = "header", .message = "the header names no text column",
                            .allowed = allowed_columns, .line = 1});

    struct Row {
        std::string id;
        Json text;
    };
    std::vector<Row> rows;
    std::map<std::string, int> seen;  // id → line
    if (problems.empty()) {
        for (const auto& rec : doc.records) {
            std::string raw = Trim(rec.fields[static_cast<size_t>(id_col)]);
            const Control* c = snap->Find(raw);
            if (raw.empty()) {
                problems.push_back({.field = "id", .message = "empty id", .line = rec.line});
                continue;
            }
            if (!c) {
                problems.push_back({.field = "id",
                                    .message = fmt::format("unknown control '{}' in {}", raw, snap->framework.id),
                                    .line = rec.line});
                continue;
            }
            if (auto [it, fresh] = seen.emplace(c->id, rec.line); !fresh) {
                problems.push_back({.field = "id",
                                    .message = fmt::format("control {} appears again (first at line {})", c->id,
                                                           it->second),
                                    .line = rec.line});
                continue;
            }
            Row r{c->id, Json::object()};
            for (const auto& [col, name] : text_columns) {
                std::string v = Trim(rec.fields[col]);
                if (!v.empty()) r.text[name] = v;
            }
            if (r.text.empty()) {
                problems.push_back({.field = text_columns.front().second,
                                    .message = fmt::format("no text for control {}", c->id), .line = rec.line});
                continue;
            }
            rows.push_back(std::move(r));
        }
        if (doc.records.empty()) problems.push_back({.field = "", .message = "the file holds no rows", .line = 2});
    }
    if (!problems.empty()) {
        const auto& p = problems.front();
        std::string where = p.line ? fmt::format("line {}", p.line) : "";
        if (!p.field.empty()) where += fmt::format("{}field '{}'", where.empty() ? "" : ", ", p.field);
        std::string msg = fmt::format("nothing was imported: {} problem{} in the file; first: {}: {}",
                                      problems.size(), problems.size() == 1 ? "" : "s", where, p.message);
        throw Error::InvalidInput(std::move(msg), std::move(problems));
    }

    TextImport out;
    store_.Write(ctx, [&](store::WriteTx& tx) {
        std::string now = time::NowUtc();
        for (const auto& r : rows) {
            auto existing = tx.QueryOne("SELECT text_json, source FROM control_texts WHERE org_id = ? AND "
                                        "framework_id = ? AND control_id = ?",
                                        {V(ctx.org_id), V(snap->framework.id), V(r.id)});
            Json before = existing ? Json{{"text", existing->JsonAt(0)}, {"source", existing->Str(1)}} : Json(nullptr);
            if (existing && existing->JsonAt(0) == r.text) {
                ++out.unchanged;
                continue;
            }
            Upsert(tx,
                   "UPDATE control_texts SET text_json = ?, source = ?, updated_at = ? WHERE org_id = ? AND "
                   "framework_id = ? AND control_id = ?",
                   {V(r.text.dump()), V(source), V(now), V(ctx.org_id), V(snap->framework.id), V(r.id)},
                   "INSERT INTO control_texts (org_id, framework_id, control_id, text_json, source, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   {V(ctx.org_id), V(snap->framework.id), V(r.id), V(r.text.dump()), V(source), V(now)});
            tx.Log(ctx.org_id, "control_text", snap->framework.id + ":" + r.id, existing ? "update" : "create", before,
                   Json{{"text", r.text}, {"source", source}});
            ++out.imported;
            out.ids.push_back(r.id);
        }
        if (out.imported) MarkCatalogChanged(tx, ctx.org_id);
    });
    if (out.imported) Invalidate(ctx.org_id);
    return out;
}

}  // namespace isms::catalog
