// isms record types | add | list | show | edit | transition | history | revisions | import | export | delete |
//             attach | attachment | ack | acks | due
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "isms/cli/cli.hpp"
#include "isms/core/error.hpp"
#include "isms/core/nesting.hpp"
#include "isms/records/service.hpp"
#include "isms/records/values.hpp"
#include "isms/risk/register.hpp"

namespace isms::cli {

namespace {

struct RecordOptions {
    std::string type, id, transition, file, field, person, output, as, cursor, state, q, sha, where;
    std::vector<std::string> sets, filters;
    std::string json_file;
    int64_t if_version = -1;
    int limit = 50, within = 30, revision = 0;
    bool archived = false, archive = false, unarchive = false, all = false;
};

RecordOptions& Opt() {
    static RecordOptions o;
    return o;
}

std::optional<int64_t> IfVersion() {
    return Opt().if_version >= 0 ? std::optional<int64_t>(Opt().if_version) : std::nullopt;
}

// --set field=value … and --json FILE into one data object (text converted by the field's type).
Json DataFromOptions(const records::RecordType& t) {
    Json data = Json::object();
    if (!Opt().json_file.empty()) {
        data = ParseUserJson(ReadInput(Opt().json_file), Opt().json_file);
        if (data.is_object() && data.contains("data")) data = data["data"];
        if (!data.is_object()) throw Error::InvalidInput(fmt::format("{} must hold a JSON object of fields",
                                                                     Opt().json_file));
    }
    for (const auto& s : Opt().sets) {
        auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0)
            throw Error::InvalidInput(fmt::format("--set '{}': write field=value", s), {{"set", "field=value"}});
        std::string name = s.substr(0, eq);
        const records::FieldDef* f = t.Field(name);
        if (!f) {
            data[name] = s.substr(eq + 1);  // reported by the service with the known fields
            continue;
        }
        // Text the field's type cannot read is passed on as text: the service then reports it together with
        // every other problem of the record, in the same words as the API.
        std::vector<ErrorDetail> unreadable;
        Json v = records::ValueFromText(*f, s.substr(eq + 1), unreadable);
        data[name] = unreadable.empty() ? v : Json(s.substr(eq + 1));
    }
    return data;
}

void PrintRecord(app::App& app, const Context& ctx, const records::Record& r, const Globals& g) {
    const auto& t = app.record_types().Get(r.type);
    auto linkers = app.records().Linkers(ctx, r.type, r.id);
    if (g.format == "json") {
        Json j = records::ToJson(r);
        Json linked = Json::array();
        for (const auto& l : linkers) linked.push_back({{"type", l.type}, {"id", l.id}, {"field", l.field}});
        j["linked_from"] = linked;
        PrintJson(j);
        return;
    }
    io::Table table{{"field", "value"}, {}};
    auto row = [&](const std::string& k, const std::string& v) { table.rows.push_back({k, v}); };
    row("id", r.id);
    row("type", t.title);
    row("state", r.state + (r.archived ? " (archived)" : ""));
    row("revision", std::to_string(r.revision));
    row("version", std::to_string(r.version));
    for (const auto& f : t.fields)
        if (r.data.contains(f.name)) row(f.label, records::ValueToText(r.data.at(f.name)));
    if (r.next_review) row("next review", *r.next_review);
    if (r.approved_at) row("approved", *r.approved_at + " by " + r.approved_by.value_or(""));
    row("created", r.created_at + " by " + r.created_by);
    row("updated", r.updated_at + " by " + r.updated_by);
    for (const auto& l : linkers) row("linked from", fmt::format("{} {} ({})", l.type, l.id, l.field));
    Print(table, g);
}

// Commands that name a type, and for most a record.
CLI::App* Sub(CLI::App* parent, const char* name, const char* help, bool with_id) {
    auto* c = parent->add_subcommand(name, help);
    c->add_option("type", Opt().type, "record type (isms record types)")->required();
    if (with_id) c->add_option("id", Opt().id, "record id")->required();
    return c;
}

void AddIfVersion(CLI::App* c) {
    c->add_option("--if-version", Opt().if_version, "fail unless the record is still at this version");
}

}  // namespace

void RegisterRecord(CLI::App& root, Globals& g) {
    auto& o = Opt();
    auto* rec = root.add_subcommand("record", "ISMS records: context, scope, policies, roles, objectives, assets, "
                                              "suppliers, … (see docs/records.md)");
    rec->require_subcommand(1);

    auto* types = rec->add_subcommand("types", "list the record types, or show one type's fields and workflow");
    types->add_option("type", o.type, "show this type");
    types->callback([&g] {
        auto app = OpenApp(g);
        const auto& reg = app->record_types();
        if (Opt().type.empty()) {
            if (g.format == "json") {
                Json all = Json::array();
                for (const auto& t : reg.types()) all.push_back(records::TypeMetadata(t));
                PrintJson(all);
                return;
            }
            io::Table t{{"type", "title", "clauses", "fields", "states"}, {}};
            for (const auto& ty : reg.types()) {
                std::string clauses;
                for (const auto& c : ty.clauses) clauses += (clauses.empty() ? "" : ", ") + c;
                t.rows.push_back({ty.name, ty.title, clauses, std::to_string(ty.fields.size()),
                                  std::to_string(ty.workflow.states.size())});
            }
            Print(t, g);
            return;
        }
        const auto& ty = reg.Get(Opt().type);
        if (g.format == "json") {
            PrintJson(records::TypeMetadata(ty));
            return;
        }
        Say(g, fmt::format("{} ({}): {}", ty.title, ty.name, ty.description));
        io::Table t{{"field", "label", "type", "required", "values"}, {}};
        for (const auto& f : ty.fields) {
            std::string type(records::FieldTypeName(f.type));
            if (f.IsList()) type += " of " + std::string(records::FieldTypeName(f.item_type));
            std::string values = f.link_type;
            for (const auto& v : f.values) values += (values.empty() ? "" : ", ") + v;
            t.rows.push_back({f.name, f.label, type, f.required ? "yes" : "", values});
        }
        Print(t, g);
        std::string flow;
        for (const auto& tr : ty.workflow.transitions) {
            std::string from;
            for (const auto& f : tr.from) from += (from.empty() ? "" : "|") + f;
            flow += fmt::format("  {}: {} → {}\n", tr.name, from, tr.to);
        }
        if (!flow.empty()) Say(g, "transitions (initial state " + ty.workflow.initial + "):\n" + flow);
    });

    auto* add = Sub(rec, "add", "create a record (--set field=value …, or --json FILE)", false);
    add->add_option("--set,-s", o.sets, "field=value (lists: a;b;c); repeat for more fields");
    add->add_option("--json", o.json_file, "a JSON object of fields ('-' reads stdin)");
    add->add_option("--id", o.id, "the record's id (default PREFIX-N)");
    add->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        const auto& t = app->record_types().Get(Opt().type);
        auto r = app->records().Create(ctx, t.name, DataFromOptions(t), Opt().id);
        if (g.format == "json") {
            PrintJson(records::ToJson(r));
        } else {
            Say(g, fmt::format("created {} {} ({})", t.name, r.id, r.title));
            if (g.quiet) std::cout << r.id << "\n";
        }
    });

    auto* list = Sub(rec, "list", "list records of a type", false);
    list->add_option("--search,--q", o.q, "free text in any field");
    list->add_option("--state", o.state, "only this state");
    list->add_option("--where,-w", o.where, "query: classification in (confidential, restricted) and owner = PER-3");
    list->add_option("--field", o.filters, "field=value (repeatable)");
    list->add_flag("--archived", o.archived, "include archived records");
    list->add_option("--limit", o.limit, "page size")->capture_default_str();
    list->add_option("--cursor", o.cursor, "continue after this cursor");
    list->add_flag("--all", o.all, "every page");
    list->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        const auto& t = app->record_types().Get(Opt().type);
        records::ListQuery q;
        q.q = Opt().q;
        q.state = Opt().state;
        q.where = Opt().where;
        q.include_archived = Opt().archived;
        q.limit = Opt().limit;
        q.cursor = Opt().cursor;
        for (const auto& f : Opt().filters) {
            auto eq = f.find('=');
            if (eq == std::string::npos) throw Error::InvalidInput(fmt::format("--field '{}': write field=value", f));
            q.equals[f.substr(0, eq)] = f.substr(eq + 1);
        }
        std::vector<records::Record> items;
        std::string next;
        for (;;) {
            auto page = app->records().List(ctx, t.name, q);
            for (auto& r : page.items) items.push_back(std::move(r));
            next = page.next_cursor;
            if (!Opt().all || next.empty()) break;
            q.cursor = next;
        }
        if (g.format == "json") {
            Json arr = Json::array();
            for (const auto& r : items) arr.push_back(records::ToJson(r));
            PrintJson({{"items", arr}, {"next_cursor", next.empty() ? Json(nullptr) : Json(next)}});
            return;
        }
        io::Table table;
        for (const auto& c : t.list_columns) {
            const auto* f = t.Field(c);
            table.columns.push_back(f ? f->label : c);
        }
        for (const auto& r : items) {
            std::vector<std::string> row;
            for (const auto& c : t.list_columns) {
                if (c == "id") {
                    row.push_back(r.id);
                } else if (c == "state") {
                    row.push_back(r.state + (r.archived ? " (archived)" : ""));
                } else if (c == "next_review") {
                    row.push_back(r.next_review.value_or(""));
                } else if (c == "title") {
                    row.push_back(r.title);
                } else if (c == "revision") {
                    row.push_back(std::to_string(r.revision));
                } else if (c == "updated_at") {
                    row.push_back(r.updated_at);
                } else {
                    row.push_back(r.data.contains(c) ? records::ValueToText(r.data[c]) : "");
                }
            }
            table.rows.push_back(std::move(row));
        }
        Print(table, g);
        if (!next.empty()) Say(g, fmt::format("more: --cursor {} (or --all)", next));
    });

    auto* show = Sub(rec, "show", "show one record (--revision N: a released revision)", true);
    show->add_option("--revision", o.revision, "a released revision");
    show->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        if (Opt().revision > 0) {
            auto rev = app->records().GetRevision(ctx, Opt().type, Opt().id, Opt().revision);
            if (g.format == "json") {
                PrintJson(records::ToJson(rev));
                return;
            }
            const auto& t = app->record_types().Get(Opt().type);
            io::Table table{{"field", "value"}, {}};
            table.rows.push_back({"revision", std::to_string(rev.revision)});
            table.rows.push_back({"state", rev.state});
            for (const auto& f : t.fields)
                if (rev.data.contains(f.name)) table.rows.push_back({f.label, records::ValueToText(rev.data[f.name])});
            table.rows.push_back({"approved", rev.approved_at + " by " + rev.approved_by});
            Print(table, g);
            return;
        }
        PrintRecord(*app, ctx, app->records().Get(ctx, Opt().type, Opt().id), g);
    });

    auto* edit = Sub(rec, "edit", "change fields (--set field=value; empty value clears), archive or unarchive", true);
    edit->add_option("--set,-s", o.sets, "field=value (lists: a;b;c); repeat for more fields");
    edit->add_option("--json", o.json_file, "a JSON object of fields to change (null clears)");
    edit->add_flag("--archive", o.archive, "archive the record");
    edit->add_flag("--unarchive", o.unarchive, "bring an archived record back");
    AddIfVersion(edit);
    edit->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        const auto& t = app->record_types().Get(Opt().type);
        auto expected = IfVersion();
        std::optional<records::Record> r;
        if (Opt().unarchive) r = app->records().SetArchived(ctx, t.name, Opt().id, false, expected);
        Json data = DataFromOptions(t);
        if (!data.empty() || (!Opt().archive && !Opt().unarchive))
            r = app->records().Update(ctx, t.name, Opt().id, data, r ? std::optional(r->version) : expected);
        if (Opt().archive)
            r = app->records().SetArchived(ctx, t.name, Opt().id, true, r ? std::optional(r->version) : expected);
        if (g.format == "json") {
            PrintJson(records::ToJson(*r));
        } else {
            Say(g, fmt::format("{} {}: version {}, revision {}, {}{}", t.name, r->id, r->version, r->revision, r->state,
                               r->archived ? " (archived)" : ""));
        }
    });

    auto* transition = Sub(rec, "transition", "move a record along its workflow (e.g. submit, approve, publish)", true);
    transition->add_option("transition", o.transition, "transition name or target state")->required();
    AddIfVersion(transition);
    transition->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto r = app->records().Transition(ctx, Opt().type, Opt().id, Opt().transition, IfVersion());
        if (g.format == "json") {
            PrintJson(records::ToJson(r));
        } else {
            Say(g, fmt::format("{} {} is now {} (version {})", r.type, r.id, r.state, r.version));
        }
    });

    auto* history = Sub(rec, "history", "who changed what, field by field", true);
    history->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto entries = app->records().History(ctx, Opt().type, Opt().id);
        if (g.format == "json") {
            Json arr = Json::array();
            for (const auto& h : entries) arr.push_back(records::ToJson(h));
            PrintJson(arr);
            return;
        }
        io::Table t{{"seq", "at", "actor", "op", "field", "before", "after"}, {}};
        for (const auto& h : entries) {
            std::string op = h.transition.empty() ? h.op : h.op + " " + h.transition;
            if (h.changes.empty()) {
                t.rows.push_back({std::to_string(h.seq), h.at, h.actor, op, "", "",
                                  h.detail.is_null() ? "" : h.detail.dump()});
            }
            for (size_t i = 0; i < h.changes.size(); ++i) {
                const auto& c = h.changes[i];
                t.rows.push_back({i ? "" : std::to_string(h.seq), i ? "" : h.at, i ? "" : h.actor, i ? "" : op,
                                  c.field, records::ValueToText(c.before), records::ValueToText(c.after)});
            }
        }
        Print(t, g);
    });

    auto* revisions = Sub(rec, "revisions", "released (approved or published) revisions", true);
    revisions->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        io::Table t{{"revision", "state", "approved_at", "approved_by", "current"}, {}};
        for (const auto& r : app->records().Revisions(ctx, Opt().type, Opt().id))
            t.rows.push_back({std::to_string(r.revision), r.state, r.approved_at, r.approved_by, r.current ? "yes" : ""});
        Print(t, g);
    });

    auto* imp = Sub(rec, "import", "import a CSV or JSON file, all or nothing (every bad line is reported)", false);
    imp->add_option("file", o.file, "the file ('-' reads stdin)")->required();
    imp->add_option("--as", o.as, "csv or json (default: from the file name)");
    imp->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        std::string as = Opt().as;
        if (as.empty()) as = std::filesystem::path(Opt().file).extension() == ".json" ? "json" : "csv";
        auto r = app->records().Import(ctx, Opt().type, records::ParseDataFormat(as), ReadInput(Opt().file));
        if (g.format == "json") {
            PrintJson({{"created", r.created}, {"updated", r.updated}, {"ids", r.ids}});
        } else {
            Say(g, fmt::format("imported {} rows into {}: {} created, {} updated, {} unchanged", r.ids.size(),
                               Opt().type, r.created, r.updated, r.ids.size() - r.created - r.updated));
        }
    });

    auto* exp = Sub(rec, "export", "export every record of a type as CSV or JSON", false);
    exp->add_option("--as", o.as, "csv (default) or json");
    exp->add_option("--output,-o", o.output, "write to this file instead of stdout");
    exp->add_flag("--archived", o.archived, "include archived records");
    exp->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        std::string as = Opt().as;
        if (as.empty()) as = std::filesystem::path(Opt().output).extension() == ".json" ? "json" : "csv";
        records::ListQuery q;
        q.include_archived = Opt().archived;
        std::string text = app->records().Export(ctx, Opt().type, records::ParseDataFormat(as), q);
        if (Opt().output.empty()) {
            std::cout << text;
        } else {
            std::ofstream out(Opt().output, std::ios::binary);
            out << text;
            if (!out) throw Error::Unavailable(fmt::format("cannot write '{}'", Opt().output));
            Say(g, fmt::format("wrote {}", Opt().output));
        }
    });

    auto* del = Sub(rec, "delete", "delete a record nothing links to (--archive: archive it instead)", true);
    del->add_flag("--archive", o.archive, "archive instead of deleting");
    AddIfVersion(del);
    del->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        if (Opt().archive) {
            app->records().SetArchived(ctx, Opt().type, Opt().id, true, IfVersion());
            Say(g, fmt::format("archived {} {}", Opt().type, Opt().id));
        } else {
            app->records().Delete(ctx, Opt().type, Opt().id, IfVersion());
            Say(g, fmt::format("deleted {} {}", Opt().type, Opt().id));
        }
    });

    auto* attach = Sub(rec, "attach", "store a file with a record (documents, contracts, certificates)", true);
    attach->add_option("file", o.file, "the file")->required();
    attach->add_option("--field", o.field, "attachment field (default: the type's first)");
    AddIfVersion(attach);
    attach->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        std::string bytes = ReadInput(Opt().file);
        auto r = app->records().Attach(ctx, Opt().type, Opt().id, std::filesystem::path(Opt().file).filename().string(),
                                       bytes, Opt().field, IfVersion());
        Say(g, fmt::format("attached {} to {} {} (version {}, revision {})", Opt().file, r.type, r.id, r.version,
                           r.revision));
    });

    auto* attachment = Sub(rec, "attachment", "list a record's attachments, or save one (SHA256 -o FILE)", true);
    attachment->add_option("sha256", o.sha, "the attachment to save");
    attachment->add_option("--output,-o", o.output, "where to save it (default: its file name)");
    attachment->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        if (Opt().sha.empty()) {
            io::Table t{{"sha256", "filename", "content_type", "size", "created_at"}, {}};
            for (const auto& a : app->records().Attachments(ctx, Opt().type, Opt().id))
                t.rows.push_back({a.sha256, a.filename, a.content_type, std::to_string(a.size), a.created_at});
            Print(t, g);
            return;
        }
        auto a = app->records().GetAttachment(ctx, Opt().type, Opt().id, Opt().sha);
        std::string path = Opt().output.empty() ? a.filename : Opt().output;
        std::ofstream out(path, std::ios::binary);
        out << a.bytes;
        if (!out) throw Error::Unavailable(fmt::format("cannot write '{}'", path));
        Say(g, fmt::format("saved {} ({} bytes, {})", path, a.size, a.content_type));
    });

    auto* ack = Sub(rec, "ack", "record that a person acknowledged (or completed) the current revision", true);
    ack->add_option("--person,-p", o.person, "person id or e-mail")->required();
    ack->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        std::string person = Opt().person;
        if (person.find('@') != std::string::npos) {
            records::ListQuery q;
            q.equals["email"] = person;
            auto page = app->records().List(ctx, "person", q);
            if (page.items.empty()) throw Error::NotFound(fmt::format("no person with the e-mail {}", person));
            person = page.items[0].id;
        }
        app->records().Acknowledge(ctx, Opt().type, Opt().id, person);
        Say(g, fmt::format("{} acknowledged {} {}", person, Opt().type, Opt().id));
    });

    auto* acks = Sub(rec, "acks", "who has and has not acknowledged the current revision", true);
    acks->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto s = app->records().Acknowledgements(ctx, Opt().type, Opt().id);
        if (g.format == "json") {
            PrintJson(records::ToJson(s));
            return;
        }
        io::Table t{{"person", "name", s.label, "at"}, {}};
        for (const auto& e : s.acknowledged) t.rows.push_back({e.person_id, e.name, "yes", e.at});
        for (const auto& e : s.pending) t.rows.push_back({e.person_id, e.name, "no", ""});
        Say(g, fmt::format("revision {}: {} of {} done", s.revision, s.acknowledged.size(),
                           s.acknowledged.size() + s.pending.size()));
        Print(t, g);
    });

    auto* due = rec->add_subcommand("due", "records of every type, and open risks, whose review or expiry date has passed or is near");
    due->add_option("--within", o.within, "days ahead")->capture_default_str();
    due->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        io::Table t{{"due", "days", "type", "id", "title", "state"}, {}};
        for (const auto& d : risk::DueAcrossTheIsms(ctx, app->records(), app->risks(), Opt().within))
            t.rows.push_back({d.next_review, std::to_string(d.days_left), d.type, d.id, d.title, d.state});
        Print(t, g);
    });
}

}  // namespace isms::cli
