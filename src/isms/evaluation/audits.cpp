#include "isms/evaluation/audits.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/evaluation/clauses.hpp"
#include "isms/evaluation/fields.hpp"
#include "isms/records/values.hpp"

namespace isms::evaluation {

using namespace fields;

using records::Record;
using store::V;

namespace {

constexpr const char* kItemColumns =
    "item_id, position, ref_kind, ref, title, question, expected_evidence, result, evidence, notes, finding_id, "
    "version, updated_at, updated_by";

ChecklistItem ItemFromRow(const store::Row& r) {
    ChecklistItem i;
    i.id = r.Str(0);
    i.position = static_cast<int>(r.Int(1));
    i.ref_kind = r.Str(2);
    i.ref = r.Str(3);
    i.title = r.Str(4);
    i.question = r.Str(5);
    i.expected_evidence = r.Str(6);
    i.result = r.Str(7);
    i.evidence = r.Str(8);
    i.notes = r.Str(9);
    i.finding = r.Str(10);
    i.version = r.Int(11);
    i.updated_at = r.Str(12);
    i.updated_by = r.Str(13);
    return i;
}

std::vector<ChecklistItem> LoadItems(store::Db& db, const std::string& org, const std::string& audit) {
    std::vector<ChecklistItem> out;
    for (const auto& r : db.Query(fmt::format("SELECT {} FROM audit_checklist WHERE org_id = ? AND audit_id = ? ORDER "
                                              "BY position",
                                              kItemColumns),
                                  {V(org), V(audit)}))
        out.push_back(ItemFromRow(r));
    return out;
}

void InsertItem(store::WriteTx& tx, const std::string& audit, const ChecklistItem& i) {
    tx.Exec(fmt::format("INSERT INTO audit_checklist (org_id, audit_id, {}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        "?, ?, ?, ?, ?)",
                        kItemColumns),
            {V(tx.ctx().org_id), V(audit), V(i.id), V(i.position), V(i.ref_kind), V(i.ref), V(i.title), V(i.question),
             V(i.expected_evidence), V(i.result), V(i.evidence), V(i.notes), V(i.finding), V(i.version),
             V(i.updated_at), V(i.updated_by)});
}

void RequireOpen(const Record& audit) {
    if (audit.state == "completed" || audit.state == "cancelled")
        throw Error::Conflict(fmt::format("audit {} is {}: its checklist is kept as it was (reopen the audit to change "
                                          "it)",
                                          audit.id, audit.state));
}

int ItemNumber(const std::string& id) {
    if (id.size() < 2 || id[0] != 'Q') return 0;
    try {
        return std::stoi(id.substr(1));
    } catch (const std::exception&) {
        return 0;
    }
}

Json ItemsJson(const std::vector<ChecklistItem>& items) {
    Json a = Json::array();
    for (const auto& i : items) a.push_back(i.ToJson());
    return a;
}

std::string Rfc3339(const std::string& date, bool end_of_day) {
    if (date.empty()) return "";
    return date + (end_of_day ? "T23:59:59Z" : "T00:00:00Z");
}

std::string OscalControl(const std::string& id) { return "a." + id; }

// person id → name, for reports.
std::map<std::string, std::string> PersonNames(store::Db& db, const std::string& org) {
    std::map<std::string, std::string> out;
    for (const auto& p : records::RecordsOf(db, org, "person", true)) out[p.id] = p.title;
    return out;
}

}  // namespace

std::vector<std::string> ChecklistResults() {
    return {"not_checked", "conforming", "nonconforming", "observation", "not_applicable"};
}

Json ChecklistItem::ToJson() const {
    return {{"id", id},           {"position", position},
            {"ref_kind", ref_kind}, {"ref", ref},
            {"title", title},     {"question", question},
            {"expected_evidence", expected_evidence},
            {"result", result},   {"evidence", evidence},
            {"notes", notes},     {"finding", finding.empty() ? Json(nullptr) : Json(finding)},
            {"version", version}, {"updated_at", updated_at},
            {"updated_by", updated_by}};
}

Json ChecklistGeneration::ToJson() const {
    return {{"items", ItemsJson(items)},
            {"added", added},
            {"removed", removed},
            {"kept", kept},
            {"skipped_controls", skipped_controls}};
}

ChecklistEdit ChecklistEdit::FromJson(const Json& j) {
    if (!j.is_object()) throw Error::InvalidInput("a checklist edit must be an object of fields");
    ChecklistEdit e;
    for (auto it = j.begin(); it != j.end(); ++it) {
        std::optional<std::string>* slot = it.key() == "question"   ? &e.question
                                           : it.key() == "result"   ? &e.result
                                           : it.key() == "evidence" ? &e.evidence
                                           : it.key() == "notes"    ? &e.notes
                                           : it.key() == "finding"  ? &e.finding
                                           : it.key() == "title"    ? &e.title
                                                                    : nullptr;
        if (!slot)
            throw Error::InvalidInput(fmt::format("unknown field '{}' of a checklist item", it.key()),
                                      {{it.key(), "unknown field", {"title", "question", "result", "evidence", "notes",
                                                                    "finding"}}});
        if (it.value().is_null()) {
            *slot = "";
        } else if (it.value().is_string()) {
            *slot = it.value().get<std::string>();
        } else {
            throw Error::InvalidInput(fmt::format("{} must be text", it.key()), {{it.key(), "not text"}});
        }
    }
    return e;
}

Json AuditService::AuditOverview::ToJson() const {
    return {{"id", audit.id},
            {"title", audit.title},
            {"state", audit.state},
            {"lead_auditor", Text(audit.data, "lead_auditor")},
            {"planned_start", Text(audit.data, "planned_start")},
            {"planned_end", Text(audit.data, "planned_end")},
            {"next_review", audit.next_review ? Json(*audit.next_review) : Json(nullptr)},
            {"checklist", {{"items", checklist_items}, {"answered", checklist_answered}}},
            {"findings", findings},
            {"independent", independent}};
}

std::vector<AuditService::AuditOverview> AuditService::Audits(const Context& ctx) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        std::vector<AuditOverview> out;
        auto findings = records::RecordsOf(db, ctx.org_id, "audit_finding");
        for (auto& a : records::RecordsOf(db, ctx.org_id, "audit")) {
            AuditOverview o;
            for (const auto& i : LoadItems(db, ctx.org_id, a.id)) {
                ++o.checklist_items;
                o.checklist_answered += i.Answered();
            }
            for (const auto& f : findings)
                if (Text(f.data, "audit") == a.id) ++o.findings[Text(f.data, "kind")];
            o.independent = CheckIndependence(db, ctx.org_id, a).ok();
            o.audit = std::move(a);
            out.push_back(std::move(o));
        }
        return out;
    });
}

Record AuditService::Audit(const Context& ctx, const std::string& audit_id) {
    return records_.Get(ctx, "audit", audit_id);
}

ChecklistGeneration AuditService::Generate(const Context& ctx, const std::string& audit_id) {
    RequirePermission(ctx, Permission::kAuditWrite);
    Record audit = Audit(ctx, audit_id);
    RequireOpen(audit);
    auto entries = soa_.Current(ctx);
    std::vector<ChecklistItem> desired;
    ChecklistGeneration gen;
    std::vector<Clause> all = store_.Read([](store::Db& db) { return LoadClauses(db); });
    for (const auto& c : ExpandClauses(all, List(audit.data, "clauses"))) {
        ChecklistItem i;
        i.ref_kind = "clause";
        i.ref = c.id;
        i.title = c.id + " " + c.title;
        i.question = std::string(AuditQuestion(c.id));
        if (i.question.empty()) i.question = fmt::format("Is clause {} ({}) met, and is there evidence?", c.id, c.title);
        std::string practice(GoodPractice(c.id));
        i.expected_evidence = c.documented_information.empty()
                                  ? practice
                                  : fmt::format("Documented information: {}. {}", c.documented_information, practice);
        desired.push_back(std::move(i));
    }
    std::set<std::string> controls;
    for (const auto& c : List(audit.data, "controls")) controls.insert(c);
    bool all_applicable = audit.data.value("all_applicable_controls", false);
    for (const auto& e : entries) {
        bool listed = controls.count(e.control_id) > 0;
        if (!listed && !(all_applicable && e.applicability == "applicable")) continue;
        if (e.applicability != "applicable") {
            gen.skipped_controls.push_back(fmt::format("{} ({})", e.control_id, e.applicability));
            continue;
        }
        ChecklistItem i;
        i.ref_kind = "control";
        i.ref = e.control_id;
        i.title = fmt::format("A.{} {}", e.control_id, e.title);
        i.question = fmt::format("Is A.{} ({}) implemented as the Statement of Applicability states ({}), and is "
                                 "there evidence that it operates effectively?",
                                 e.control_id, e.title, e.status.empty() ? "no status" : e.status);
        std::vector<std::string> expect;
        if (!e.notes.empty()) expect.push_back("Implementation: " + e.notes);
        if (!e.evidence.empty()) expect.push_back("Evidence named in the SoA: " + Join(e.evidence));
        if (!e.risks.empty()) expect.push_back("Chosen to treat: " + Join(e.risks));
        if (!e.owner.empty()) expect.push_back("Owner: " + e.owner);
        if (expect.empty()) expect.push_back("Records or observations showing the control in operation.");
        i.expected_evidence = Join(expect, ". ");
        desired.push_back(std::move(i));
    }
    std::string now = time::NowUtc();
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        // Read again inside the write: the audit may have moved on since.
        auto current = records::FindRecord(tx, ctx.org_id, "audit", audit_id);
        if (!current) throw Error::NotFound(fmt::format("no audit '{}'", audit_id));
        RequireOpen(*current);
        auto existing = LoadItems(tx, ctx.org_id, audit_id);
        std::map<std::string, ChecklistItem> by_ref;
        int next = 0;
        for (const auto& i : existing) {
            next = std::max(next, ItemNumber(i.id));
            if (i.ref_kind != "custom") by_ref.emplace(i.ref_kind + "|" + i.ref, i);
        }
        std::vector<ChecklistItem> result;
        std::set<std::string> used;
        for (auto& d : desired) {
            auto it = by_ref.find(d.ref_kind + "|" + d.ref);
            if (it != by_ref.end()) {
                result.push_back(it->second);
                used.insert(it->second.id);
                ++gen.kept;
            } else {
                d.id = fmt::format("Q{}", ++next);
                d.updated_at = now;
                d.updated_by = ctx.actor;
                result.push_back(d);
                ++gen.added;
            }
        }
        for (const auto& i : existing) {
            if (used.count(i.id)) continue;
            if (i.ref_kind == "custom" || i.Answered()) {
                result.push_back(i);  // kept: custom, or answered though out of scope now
                ++gen.kept;
            } else {
                ++gen.removed;
            }
        }
        tx.Exec("DELETE FROM audit_checklist WHERE org_id = ? AND audit_id = ?", {V(ctx.org_id), V(audit_id)});
        for (size_t k = 0; k < result.size(); ++k) {
            result[k].position = static_cast<int>(k + 1);
            InsertItem(tx, audit_id, result[k]);
        }
        tx.Log(ctx.org_id, "audit_checklist", audit_id, existing.empty() ? "create" : "generate",
               existing.empty() ? Json(nullptr) : Json{{"items", ItemsJson(existing)}},
               Json{{"items", ItemsJson(result)}, {"added", gen.added}, {"removed", gen.removed}});
        gen.items = std::move(result);
        return gen;
    });
}

std::vector<ChecklistItem> AuditService::Checklist(const Context& ctx, const std::string& audit_id) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        if (!records::RecordExists(db, ctx.org_id, "audit", audit_id))
            throw Error::NotFound(fmt::format("no audit '{}'", audit_id));
        return LoadItems(db, ctx.org_id, audit_id);
    });
}

ChecklistItem AuditService::EditItem(const Context& ctx, const std::string& audit_id, const std::string& item_id,
                                     const ChecklistEdit& edit, std::optional<int64_t> expected_version) {
    RequirePermission(ctx, Permission::kAuditWrite);
    if (edit.result) {
        auto allowed = ChecklistResults();
        if (std::find(allowed.begin(), allowed.end(), *edit.result) == allowed.end())
            throw Error::InvalidInput(fmt::format("'{}' is not a checklist result", *edit.result),
                                      {{"result", "unknown result", allowed}});
    }
    if (edit.question && edit.question->empty())
        throw Error::InvalidInput("a checklist item needs a question", {{"question", "is required"}});
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        auto audit = records::FindRecord(tx, ctx.org_id, "audit", audit_id);
        if (!audit) throw Error::NotFound(fmt::format("no audit '{}'", audit_id));
        RequireOpen(*audit);
        auto row = tx.QueryOne(fmt::format("SELECT {} FROM audit_checklist WHERE org_id = ? AND audit_id = ? AND "
                                           "item_id = ?",
                                           kItemColumns),
                               {V(ctx.org_id), V(audit_id), V(item_id)});
        if (!row) throw Error::NotFound(fmt::format("audit {} has no checklist item '{}'", audit_id, item_id));
        ChecklistItem before = ItemFromRow(*row);
        if (expected_version && *expected_version != before.version)
            throw Error(ErrorCode::kPreconditionFailed,
                        fmt::format("checklist item {} of {} is at version {}, not {}: reload it and apply your change "
                                    "again",
                                    item_id, audit_id, before.version, *expected_version),
                        {{"version", fmt::format("current version is {}", before.version)}});
        ChecklistItem after = before;
        if (edit.question) after.question = *edit.question;
        if (edit.title) after.title = *edit.title;
        if (edit.result) after.result = *edit.result;
        if (edit.evidence) after.evidence = *edit.evidence;
        if (edit.notes) after.notes = *edit.notes;
        if (edit.finding) {
            after.finding = *edit.finding;
            if (!after.finding.empty()) {
                auto f = records::FindRecord(tx, ctx.org_id, "audit_finding", after.finding);
                if (!f || Text(f->data, "audit") != audit_id)
                    throw Error::InvalidInput(fmt::format("no finding '{}' of audit {}", after.finding, audit_id),
                                              {{"finding", "not a finding of this audit"}});
            }
        }
        if (after.ToJson() == before.ToJson()) return before;
        after.version = before.version + 1;
        after.updated_at = time::NowUtc();
        after.updated_by = ctx.actor;
        tx.Exec("UPDATE audit_checklist SET title = ?, question = ?, result = ?, evidence = ?, notes = ?, finding_id = ?, "
                "version = ?, updated_at = ?, updated_by = ? WHERE org_id = ? AND audit_id = ? AND item_id = ?",
                {V(after.title), V(after.question), V(after.result), V(after.evidence), V(after.notes), V(after.finding),
                 V(after.version), V(after.updated_at), V(after.updated_by), V(ctx.org_id), V(audit_id), V(item_id)});
        tx.Log(ctx.org_id, "audit_checklist_item", audit_id + "/" + item_id, "update", before.ToJson(),
               after.ToJson());
        return after;
    });
}

ChecklistItem AuditService::AddItem(const Context& ctx, const std::string& audit_id, const std::string& title,
                                    const std::string& question, const std::string& ref) {
    RequirePermission(ctx, Permission::kAuditWrite);
    std::vector<ErrorDetail> problems;
    if (title.empty()) problems.push_back({"title", "is required"});
    if (question.empty()) problems.push_back({"question", "is required"});
    if (!problems.empty()) throw Error::InvalidInput("a checklist item needs a title and a question", problems);
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        auto audit = records::FindRecord(tx, ctx.org_id, "audit", audit_id);
        if (!audit) throw Error::NotFound(fmt::format("no audit '{}'", audit_id));
        RequireOpen(*audit);
        auto items = LoadItems(tx, ctx.org_id, audit_id);
        int next = 0;
        for (const auto& i : items) next = std::max(next, ItemNumber(i.id));
        ChecklistItem i;
        i.id = fmt::format("Q{}", next + 1);
        i.position = static_cast<int>(items.size()) + 1;
        i.ref_kind = "custom";
        if (!ref.empty()) {
            auto clauses = LoadClauses(tx);
            bool clause = std::any_of(clauses.begin(), clauses.end(), [&](const Clause& c) { return c.id == ref; });
            bool control = tx.QueryOne("SELECT 1 FROM controls WHERE (org_id = '' OR org_id = ?) AND id = ?",
                                       {V(ctx.org_id), V(ref)})
                               .has_value();
            if (!clause && !control)
                throw Error::InvalidInput(fmt::format("'{}' is neither a clause (4 to 10.2) nor a control", ref),
                                          {{"ref", "unknown clause or control"}});
            i.ref_kind = clause ? "clause" : "control";
            i.ref = ref;
        }
        i.title = title;
        i.question = question;
        i.updated_at = time::NowUtc();
        i.updated_by = ctx.actor;
        InsertItem(tx, audit_id, i);
        tx.Log(ctx.org_id, "audit_checklist_item", audit_id + "/" + i.id, "create", nullptr, i.ToJson());
        return i;
    });
}

IndependenceCheck AuditService::Independence(const Context& ctx, const std::string& audit_id) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        auto audit = records::FindRecord(db, ctx.org_id, "audit", audit_id);
        if (!audit) throw Error::NotFound(fmt::format("no audit '{}'", audit_id));
        return CheckIndependence(db, ctx.org_id, *audit);
    });
}

records::Record AuditService::RaiseNonconformity(const Context& ctx, const std::string& finding_id, Json fields) {
    RequirePermission(ctx, Permission::kRecordsWrite);
    if (!fields.is_object()) throw Error::InvalidInput("the nonconformity's fields must be an object");
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        auto f = records::FindRecord(tx, ctx.org_id, "audit_finding", finding_id);
        if (!f) throw Error::NotFound(fmt::format("no audit_finding '{}'", finding_id));
        std::string kind = Text(f->data, "kind");
        if (kind != "major_nonconformity" && kind != "minor_nonconformity")
            throw Error::InvalidInput(fmt::format("finding {} is an {}, not a nonconformity", finding_id, kind),
                                      {{"finding", "not a nonconformity", NonconformityFindingKinds()}});
        for (const auto& r : tx.Query("SELECT from_id FROM record_links WHERE org_id = ? AND from_type = "
                                      "'nonconformity' AND field = 'finding' AND to_id = ?",
                                      {V(ctx.org_id), V(finding_id)}))
            throw Error::Conflict(fmt::format("nonconformity {} already refers to finding {}", r.Str(0), finding_id));
        Json data = {{"title", f->title},
                     {"source", "internal_audit"},
                     {"finding", finding_id},
                     {"severity", kind == "major_nonconformity" ? "major" : "minor"},
                     {"description", Text(f->data, "description")},
                     {"detected_on", Text(f->data, "raised_on")}};
        for (const char* k : {"clause", "control"})
            if (!Text(f->data, k).empty()) data[k] = Text(f->data, k);
        for (auto it = fields.begin(); it != fields.end(); ++it) data[it.key()] = it.value();
        return records_.CreateIn(tx, "nonconformity", std::move(data));
    });
}

io::Report AuditService::Report(const Context& ctx, const std::string& audit_id, const std::string& organisation) {
    RequirePermission(ctx, Permission::kRead);
    struct Data {
        Record audit;
        std::optional<Record> programme;
        std::vector<Record> findings, ncs, actions;
        std::vector<ChecklistItem> items;
        std::map<std::string, std::string> names;
        IndependenceCheck independence;
    };
    Data d = store_.Read([&](store::Db& db) {
        Data x;
        auto a = records::FindRecord(db, ctx.org_id, "audit", audit_id);
        if (!a) throw Error::NotFound(fmt::format("no audit '{}'", audit_id));
        x.audit = *a;
        if (auto p = Text(a->data, "programme"); !p.empty()) x.programme = records::FindRecord(db, ctx.org_id,
                                                                                                 "audit_programme", p);
        std::set<std::string> finding_ids, nc_ids;
        for (auto& f : records::RecordsOf(db, ctx.org_id, "audit_finding"))
            if (Text(f.data, "audit") == audit_id) {
                finding_ids.insert(f.id);
                x.findings.push_back(std::move(f));
            }
        for (auto& n : records::RecordsOf(db, ctx.org_id, "nonconformity"))
            if (finding_ids.count(Text(n.data, "finding"))) {
                nc_ids.insert(n.id);
                x.ncs.push_back(std::move(n));
            }
        for (auto& c : records::RecordsOf(db, ctx.org_id, "corrective_action"))
            if (nc_ids.count(Text(c.data, "nonconformity"))) x.actions.push_back(std::move(c));
        x.items = LoadItems(db, ctx.org_id, audit_id);
        x.names = PersonNames(db, ctx.org_id);
        x.independence = CheckIndependence(db, ctx.org_id, *a);
        return x;
    });
    auto name = [&](const std::string& id) {
        auto it = d.names.find(id);
        return it == d.names.end() ? id : it->second + " (" + id + ")";
    };
    auto names = [&](const std::vector<std::string>& ids) {
        std::vector<std::string> out;
        for (const auto& i : ids) out.push_back(name(i));
        return Join(out);
    };
    const Json& a = d.audit.data;
    io::Report r;
    r.title = fmt::format("Internal audit report — {} {}", d.audit.id, d.audit.title);
    r.subtitle = fmt::format("{} · ISO/IEC 27001:2022 clause 9.2 · state: {} · generated {}", organisation,
                             d.audit.state, time::NowUtc().substr(0, 10));
    r.footer = fmt::format("{} · audit {}", organisation, d.audit.id);
    r.Heading("Audit");
    std::vector<std::pair<std::string, std::string>> facts = {
        {"programme", d.programme ? d.programme->id + " " + d.programme->title : "—"},
        {"objective", Text(a, "objective")},
        {"scope", Text(a, "scope")},
        {"criteria", Text(a, "criteria")},
        {"clauses in scope", Join(List(a, "clauses"))},
        {"controls in scope", a.value("all_applicable_controls", false) ? "every applicable control"
                                                                          : Join(List(a, "controls"))},
        {"processes", Join(List(a, "processes"))},
        {"lead auditor", name(Text(a, "lead_auditor"))},
        {"audit team", names(List(a, "auditors"))},
        {"auditees", names(List(a, "auditees"))},
        {"planned", Text(a, "planned_start") + " to " + Text(a, "planned_end")},
        {"conducted", Text(a, "actual_start").empty() ? "—" : Text(a, "actual_start") + " to " + Text(a, "actual_end")},
        {"report date", Text(a, "report_date")}};
    std::erase_if(facts, [](const auto& f) { return f.second.empty() || f.second == " to "; });
    r.Facts(facts);

    r.Heading("Independence of the auditors");
    if (!Text(a, "independence").empty()) r.Paragraph(Text(a, "independence"));
    if (d.independence.ok()) {
        r.Paragraph(fmt::format("Checked: none of {} is an auditee, holds an ISMS role responsible or accountable for a "
                                "process in scope, or owns a control in scope.",
                                names(d.independence.auditors)),
                    true);
    } else {
        std::vector<std::string> c;
        for (const auto& k : d.independence.conflicts) c.push_back(name(k.person) + ": " + k.reason);
        r.Paragraph("Conflicts found:").List(c);
    }

    r.Heading("Checklist");
    if (d.items.empty()) {
        r.Paragraph("No checklist was generated for this audit.", true);
    } else {
        std::map<std::string, int> counts;
        for (const auto& i : d.items) ++counts[i.result];
        std::vector<std::string> parts;
        for (const auto& res : ChecklistResults())
            if (counts[res]) parts.push_back(fmt::format("{} {}", counts[res], res));
        r.Paragraph(fmt::format("{} items: {}.", d.items.size(), Join(parts)));
        std::vector<std::vector<std::string>> rows;
        std::vector<std::string> marks;
        for (const auto& i : d.items) {
            std::string ev = i.evidence;
            if (!i.notes.empty()) ev += (ev.empty() ? "" : "\n") + i.notes;
            if (!i.finding.empty()) ev += (ev.empty() ? "" : "\n") + std::string("finding ") + i.finding;
            rows.push_back({i.id, i.title + "\n" + i.question, i.result, ev});
            marks.push_back(i.result == "nonconforming" ? "bad" : i.result == "observation" ? "warn" : "");
        }
        r.Table({"item", "question", "result", "evidence and notes"}, rows, marks, {1, 9, 2.4, 5});
    }

    r.Heading("Findings");
    if (d.findings.empty()) {
        r.Paragraph("No findings were raised.", true);
    } else {
        std::map<std::string, int> counts;
        for (const auto& f : d.findings) ++counts[Text(f.data, "kind")];
        std::vector<std::string> parts;
        for (const char* k : {"major_nonconformity", "minor_nonconformity", "observation", "opportunity_for_improvement"})
            if (counts[k]) parts.push_back(fmt::format("{} {}", counts[k], k));
        r.Paragraph(fmt::format("{} findings: {}.", d.findings.size(), Join(parts)));
        for (const auto& f : d.findings) {
            const Json& fd = f.data;
            r.Heading(fmt::format("{} {} — {}", f.id, f.title, Text(fd, "kind")), 3);
            std::vector<std::pair<std::string, std::string>> ff = {
                {"concerns", Join([&] {
                     std::vector<std::string> v;
                     if (!Text(fd, "clause").empty()) v.push_back("clause " + Text(fd, "clause"));
                     if (!Text(fd, "control").empty()) v.push_back("control A." + Text(fd, "control"));
                     return v;
                 }())},
                {"what was required", Text(fd, "requirement")},
                {"what was found", Text(fd, "description")},
                {"evidence", Text(fd, "evidence")},
                {"auditee", Text(fd, "auditee").empty() ? "" : name(Text(fd, "auditee"))},
                {"raised on", Text(fd, "raised_on")},
                {"state", f.state}};
            for (const auto& n : d.ncs) {
                if (Text(n.data, "finding") != f.id) continue;
                ff.push_back({"nonconformity", fmt::format("{} {} ({}; owner {})", n.id, n.title, n.state,
                                                           name(Text(n.data, "owner")))});
                if (!Text(n.data, "root_cause").empty()) ff.push_back({"root cause", Text(n.data, "root_cause")});
                for (const auto& c : d.actions)
                    if (Text(c.data, "nonconformity") == n.id)
                        ff.push_back({"corrective action",
                                      fmt::format("{} {} — {}, due {}{}", c.id, c.title, c.state, Text(c.data, "due_date"),
                                                  Text(c.data, "effectiveness_result").empty()
                                                      ? ""
                                                      : ", effectiveness: " + Text(c.data, "effectiveness_result"))});
            }
            std::erase_if(ff, [](const auto& x) { return x.second.empty(); });
            r.Facts(ff);
        }
    }

    r.Heading("Conclusion");
    r.Paragraph(Text(a, "conclusion").empty() ? "No conclusion has been recorded yet." : Text(a, "conclusion"),
                Text(a, "conclusion").empty());
    return r;
}

oscal::AuditExport AuditService::OscalAudit(const Context& ctx, const std::string& audit_id,
                                            const std::string& organisation) {
    RequirePermission(ctx, Permission::kRead);
    Record audit = Audit(ctx, audit_id);
    oscal::AuditExport x;
    x.header = {organisation, fmt::format("Internal audit {} {}", audit.id, audit.title),
                std::to_string(audit.version), time::NowUtc()};
    x.ssp_href = "ssp.json";
    x.audit_id = audit.id;
    x.objective = Text(audit.data, "objective");
    std::string start = Text(audit.data, "actual_start"), end = Text(audit.data, "actual_end");
    if (start.empty()) start = Text(audit.data, "planned_start");
    if (end.empty()) end = Text(audit.data, "planned_end");
    x.start = Rfc3339(start, false);
    x.end = Rfc3339(end, true);
    std::set<std::string> ids;
    for (const auto& c : List(audit.data, "controls")) ids.insert(c);
    if (audit.data.value("all_applicable_controls", false))
        for (const auto& e : soa_.Current(ctx))
            if (e.applicability == "applicable") ids.insert(e.control_id);
    // In catalog order.
    for (const auto& e : soa_.Current(ctx))
        if (ids.count(e.control_id)) x.control_ids.push_back(OscalControl(e.control_id));
    records::ListQuery q;
    q.equals["audit"] = audit.id;
    q.limit = 1000;
    for (const auto& f : records_.List(ctx, "audit_finding", q).items) {
        std::string kind = Text(f.data, "kind");
        bool nc = kind == "major_nonconformity" || kind == "minor_nonconformity";
        std::string control = Text(f.data, "control");
        x.findings.push_back({f.id, f.title, fmt::format("{}: {}", kind, Text(f.data, "description")),
                              control.empty() ? "" : OscalControl(control), nc ? "not-satisfied" : "satisfied"});
    }
    return x;
}

std::vector<oscal::PlannedAction> AuditService::PoamCorrectiveActions(const Context& ctx) {
    RequirePermission(ctx, Permission::kRead);
    std::vector<oscal::PlannedAction> actions;
    auto names = store_.Read([&](store::Db& db) { return PersonNames(db, ctx.org_id); });
    auto name = [&](const std::string& id) {
        auto it = names.find(id);
        return it == names.end() ? id : it->second;
    };
    records::ListQuery q;
    q.limit = 1000;
    std::map<std::string, Record> ncs;
    for (auto& n : records_.List(ctx, "nonconformity", q).items) ncs.emplace(n.id, n);
    for (const auto& c : records_.List(ctx, "corrective_action", q).items) {
        if (c.state == "closed" || c.state == "cancelled") continue;
        std::string nc = Text(c.data, "nonconformity");
        std::vector<std::string> controls;
        std::string origin = "nonconformity " + nc;
        if (auto it = ncs.find(nc); it != ncs.end()) {
            if (!Text(it->second.data, "control").empty()) controls.push_back(OscalControl(Text(it->second.data, "control")));
            if (!Text(it->second.data, "finding").empty()) origin += ", finding " + Text(it->second.data, "finding");
        }
        actions.push_back({c.id, c.title, Text(c.data, "description"), "corrective",
                             c.state == "planned" ? "open" : "in-progress", Rfc3339(Text(c.data, "due_date"), true),
                             name(Text(c.data, "owner")), controls, origin});
    }
    return actions;
}

}  // namespace isms::evaluation
