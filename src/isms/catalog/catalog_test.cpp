// The catalog service, saved views and the reference-data loader on a real store (SQLite and PostgreSQL).
#include "isms/catalog/catalog.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "isms/catalog/reference_data.hpp"
#include "isms/catalog/render.hpp"
#include "isms/catalog/views.hpp"
#include "isms/core/error.hpp"
#include "isms/io/csv.hpp"
#include "isms/store/change_log.hpp"
#include "isms/store/test_support.hpp"

namespace isms::catalog {
namespace {

using store::V;

std::string ReadSourceFile(const std::string& rel) {
    std::ifstream in(std::string(ISMS_SOURCE_DIR) + "/" + rel, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class CatalogTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        db_ = store::testing_support::TempDatabase::Create(GetParam());
        if (!db_) GTEST_SKIP() << "backend not available: " << GetParam();
        store_ = store::Store::Open(db_->url(), {.create = true, .pool_size = 2});
        store_->Migrate();
        EnsureReferenceData(*store_);
        ctx_ = MakeOrg("o1", "acme");
        catalog_ = std::make_unique<CatalogService>(*store_);
        views_ = std::make_unique<ViewService>(*store_, *catalog_);
    }

    Context MakeOrg(const std::string& id, const std::string& slug) {
        store_->Write(Context::System(), [&](store::WriteTx& tx) {
            tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES (?, ?, ?, 'now')",
                    {V(id), V(slug), V(slug)});
            tx.Log(id, "organisation", id, "create", nullptr, Json{{"slug", slug}});
        });
        Context c;
        c.org_id = id;
        c.actor = "user:test";
        c.role = Role::kIsmsManager;
        return c;
    }

    std::vector<std::string> Ids(const std::string& where, const std::string& sort = "") {
        auto list = catalog_->Query(ctx_, {.spec = {.where = where, .sort = sort}});
        std::vector<std::string> out;
        for (size_t i : list.selection.items) out.push_back(list.at(i).id);
        return out;
    }

    int64_t LogHead() {
        return store_->Read([](store::Db& db) {
            auto r = db.QueryOne("SELECT seq FROM change_log_head WHERE id = 1");
            return r ? r->Int(0) : 0;
        });
    }

    // The code of the Error that `f` throws (kInternal when it throws none).
    template <class F>
    static ErrorCode CodeOf(F&& f) {
        try {
            f();
        } catch (const Error& e) {
            return e.code();
        }
        return ErrorCode::kInternal;
    }

    std::vector<store::ChangeEntry> Log(const std::string& entity) {
        return store_->Read([&](store::Db& db) { return store::ReadLog(db, {ctx_.org_id, entity, "", 0, 100}); });
    }

    std::unique_ptr<store::testing_support::TempDatabase> db_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<CatalogService> catalog_;
    std::unique_ptr<ViewService> views_;
    Context ctx_;
};

TEST_P(CatalogTest, HoldsNinetyThreeControlsInFourThemes) {
    auto list = catalog_->Query(ctx_, {.spec = {.group_by = "theme"}});
    EXPECT_EQ(list.selection.items.size(), 93u);
    std::map<std::string, size_t> by_theme;
    for (const auto& g : list.selection.groups) by_theme[g.key] = g.items.size();
    EXPECT_EQ(by_theme, (std::map<std::string, size_t>{
                            {"organizational", 37}, {"people", 8}, {"physical", 14}, {"technological", 34}}));
    // Every id's theme matches its clause number.
    for (const auto& c : list.snapshot->controls) {
        const std::string theme = c.First("theme");
        const char clause = c.id.front();
        EXPECT_EQ(theme, clause == '5' ? "organizational" : clause == '6' ? "people" : clause == '7' ? "physical"
                                                                                                     : "technological")
            << c.id;
    }
}

TEST_P(CatalogTest, ElevenControlsAreNewIn2022AndHaveNoPredecessor) {
    auto ids = Ids("new_in_2022 = true");
    EXPECT_EQ(ids, (std::vector<std::string>{"5.7", "5.23", "5.30", "7.4", "8.9", "8.10", "8.11", "8.12", "8.16",
                                             "8.23", "8.28"}));
    for (const auto& id : ids) EXPECT_TRUE(catalog_->Show(ctx_, id).predecessors.empty()) << id;
    // The others all have at least one.
    for (const auto& id : Ids("new_in_2022 = false")) EXPECT_FALSE(catalog_->Show(ctx_, id).predecessors.empty()) << id;
}

TEST_P(CatalogTest, StoredControlsMatchTheReferenceFile) {
    auto doc = io::ParseCsv(ReadSourceFile("data/iso27001-2022/controls.csv"));
    auto snap = catalog_->Snapshot(ctx_);
    ASSERT_EQ(snap->controls.size(), doc.records.size());
    for (size_t i = 0; i < doc.records.size(); ++i) {
        const auto& rec = doc.records[i].fields;
        const Control& c = snap->controls[i];
        EXPECT_EQ(c.id, rec[0]);
        EXPECT_EQ(c.title, rec[2]);
        std::string joined;
        for (const auto& v : c.Values("operational_capabilities")) joined += (joined.empty() ? "" : ";") + v;
        EXPECT_EQ(joined, rec[static_cast<size_t>(doc.Column("operational_capabilities"))]) << c.id;
    }
}

TEST_P(CatalogTest, All114ControlsOf2013MapAndOneSplitsInTwo) {
    auto snap = catalog_->Snapshot(ctx_);
    std::set<std::string> old_ids;
    for (const auto& c : snap->controls)
        for (const auto& p : c.predecessors) old_ids.insert(p.id);
    EXPECT_EQ(old_ids.size(), 114u);
    for (const auto& old : old_ids) EXPECT_FALSE(catalog_->TransitionOf(ctx_, old).rows.empty()) << old;
    auto split = catalog_->TransitionOf(ctx_, "A.18.2.3");
    ASSERT_EQ(split.rows.size(), 2u);
    EXPECT_EQ(split.rows[0].id_2022, "5.36");
    EXPECT_EQ(split.rows[1].id_2022, "8.8");
}

TEST_P(CatalogTest, TransitionWorksInBothDirectionsWithOrWithoutPrefix) {
    for (const char* q : {"A.12.4.1", "12.4.1", "a.12.4.1"}) {
        auto t = catalog_->TransitionOf(ctx_, q);
        EXPECT_EQ(t.direction, "2013->2022") << q;
        EXPECT_EQ(t.id, "A.12.4.1");
        ASSERT_EQ(t.rows.size(), 1u) << q;
        EXPECT_EQ(t.rows[0].id_2022, "8.15");
        EXPECT_EQ(t.rows[0].title_2022, "Logging");
        EXPECT_EQ(t.rows[0].title_2013, "Event logging");
    }
    for (const char* q : {"8.15", "A.8.15"}) {
        auto t = catalog_->TransitionOf(ctx_, q);
        EXPECT_EQ(t.direction, "2022->2013");
        std::vector<std::string> olds;
        for (const auto& r : t.rows) olds.push_back(r.id_2013);
        EXPECT_EQ(olds, (std::vector<std::string>{"A.12.4.1", "A.12.4.2", "A.12.4.3"})) << q;
    }
    auto fresh = catalog_->TransitionOf(ctx_, "8.16");
    EXPECT_TRUE(fresh.new_in_2022);
    EXPECT_TRUE(fresh.rows.empty());
    auto code = [&](const char* q) {
        try {
            catalog_->TransitionOf(ctx_, q);
        } catch (const Error& e) {
            return e.code();
        }
        return ErrorCode::kInternal;
    };
    EXPECT_EQ(code("A.99.1.1"), ErrorCode::kNotFound);
    EXPECT_EQ(code("9.99"), ErrorCode::kNotFound);
    EXPECT_EQ(code("logging"), ErrorCode::kInvalidInput);
}

TEST_P(CatalogTest, QueriesFilterOnEveryFamily) {
    auto ids = Ids("control_type=Detective and security_properties=Integrity");
    ASSERT_FALSE(ids.empty());
    auto snap = catalog_->Snapshot(ctx_);
    size_t expected = 0;
    for (const auto& c : snap->controls) {
        const auto& t = c.Values("control_type");
        const auto& p = c.Values("security_properties");
        if (std::count(t.begin(), t.end(), "Detective") && std::count(p.begin(), p.end(), "Integrity")) ++expected;
    }
    EXPECT_EQ(ids.size(), expected);
    auto people_or = Ids("theme in (people, physical) or id=8.16", "title");
    EXPECT_EQ(people_or.size(), 8u + 14u + 1u);
    auto titled = catalog_->Query(ctx_, {.spec = {.where = "theme in (people, physical) or id=8.16", .sort = "title"}});
    for (size_t k = 1; k < titled.selection.items.size(); ++k)
        EXPECT_LE(query::NaturalCompare(titled.at(titled.selection.items[k - 1]).title,
                                        titled.at(titled.selection.items[k]).title),
                  0);
    EXPECT_EQ(Ids("title ~ CLOUD"), (std::vector<std::string>{"5.23"}));
    EXPECT_EQ(Ids("predecessors = A.12.4.1"), (std::vector<std::string>{"8.15"}));
    auto by_id = Ids("theme = organizational", "-id");
    EXPECT_EQ(by_id.front(), "5.37");
    EXPECT_EQ(by_id[by_id.size() - 10], "5.10");
    EXPECT_EQ(by_id[by_id.size() - 9], "5.9");
}

TEST_P(CatalogTest, GroupByMultiValuedPutsEachControlInEachOfItsGroups) {
    auto list = catalog_->Query(ctx_, {.spec = {.group_by = "operational_capabilities"}});
    size_t sum = 0;
    std::map<std::string, std::set<std::string>> members;
    for (const auto& g : list.selection.groups) {
        sum += g.items.size();
        for (size_t i : g.items) members[g.key].insert(list.at(i).id);
    }
    EXPECT_GT(sum, 93u);
    for (const auto& c : list.snapshot->controls)
        for (const auto& v : c.Values("operational_capabilities")) EXPECT_TRUE(members[v].count(c.id)) << c.id << v;
    auto vocab = catalog_->VocabularyOf(ctx_);
    for (const auto& f : vocab) {
        if (f.spec.name != "operational_capabilities") continue;
        for (const auto& v : f.values) EXPECT_EQ(static_cast<size_t>(v.count), members[v.value].size()) << v.value;
    }
}

TEST_P(CatalogTest, PivotTotalsCountDistinctControls) {
    auto list = catalog_->Query(ctx_, {.spec = {.pivot = "control_type,security_domains"}});
    ASSERT_TRUE(list.selection.pivot);
    const Pivot& p = *list.selection.pivot;
    EXPECT_EQ(p.total, 93);
    auto snap = list.snapshot;
    for (size_t r = 0; r < p.row_values.size(); ++r) {
        EXPECT_EQ(static_cast<size_t>(p.row_totals[r]), Ids("control_type = " + p.row_values[r]).size());
        for (size_t c = 0; c < p.column_values.size(); ++c)
            EXPECT_EQ(static_cast<size_t>(p.cells[r][c]),
                      Ids("control_type = " + p.row_values[r] + " and security_domains = " + p.column_values[c]).size());
    }
    for (size_t c = 0; c < p.column_values.size(); ++c)
        EXPECT_EQ(static_cast<size_t>(p.column_totals[c]), Ids("security_domains = " + p.column_values[c]).size());
}

TEST_P(CatalogTest, OverrideChangesQueriesAndIsLoggedWithBeforeAndAfter) {
    const std::string q = "operational_capabilities = Information_security_assurance";
    auto before = Ids(q);
    ASSERT_TRUE(std::count(before.begin(), before.end(), "5.22"));
    auto c = catalog_->ChangeAttributes(
        ctx_, "5.22", {AttributeChange::Parse(AttributeChange::Kind::kSet,
                                              "operational_capabilities=Supplier_relationships_security")});
    EXPECT_EQ(c.Values("operational_capabilities"), (query::Values{"Supplier_relationships_security"}));
    EXPECT_EQ(c.overridden_families, (std::vector<std::string>{"operational_capabilities"}));
    auto after = Ids(q);
    EXPECT_EQ(after.size(), before.size() - 1);
    EXPECT_FALSE(std::count(after.begin(), after.end(), "5.22"));
    EXPECT_EQ(Ids("overridden = true"), (std::vector<std::string>{"5.22"}));

    auto log = Log("control_override");
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].entity_id, "iso27001-2022:5.22");
    EXPECT_EQ(log[0].op, "create");
    EXPECT_EQ(log[0].actor, "user:test");
    EXPECT_EQ(log[0].before["attributes"]["operational_capabilities"],
              Json({"Supplier_relationships_security", "Information_security_assurance"}));
    EXPECT_TRUE(log[0].before["override"].is_null());
    EXPECT_EQ(log[0].after["attributes"]["operational_capabilities"], Json({"Supplier_relationships_security"}));

    // Add, case-insensitively, in vocabulary order; the same change again writes nothing.
    c = catalog_->ChangeAttributes(ctx_, "A.5.22", {AttributeChange::Parse(AttributeChange::Kind::kAdd,
                                                                          "security_domains=resilience")});
    EXPECT_EQ(c.Values("security_domains"),
              (query::Values{"Governance_and_Ecosystem", "Protection", "Defence", "Resilience"}));
    int64_t head = LogHead();
    catalog_->ChangeAttributes(ctx_, "5.22",
                               {AttributeChange::Parse(AttributeChange::Kind::kAdd, "security_domains=Resilience")});
    EXPECT_EQ(LogHead(), head);

    // Reset brings the standard's tags back and leaves no override (the row keeps only the version).
    c = catalog_->ChangeAttributes(ctx_, "5.22", {AttributeChange::Parse(AttributeChange::Kind::kReset, "")});
    EXPECT_TRUE(c.overridden_families.empty());
    EXPECT_EQ(Ids(q), before);
    EXPECT_TRUE(Ids("overridden = true").empty());
    log = Log("control_override");
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[2].op, "delete");
    EXPECT_EQ(store_->Read([](store::Db& db) {
                  return db.QueryOne("SELECT COUNT(*) FROM control_overrides WHERE attributes_json <> '{}'")->Int(0);
              }),
              0);
    EXPECT_TRUE(store::VerifyLog(*store_).ok);
}

// Optimistic concurrency: a retag based on a version that is no longer current is refused, also after a reset
// (the version never repeats), and changes nothing.
TEST_P(CatalogTest, RetagWithAStaleVersionIsRefusedAndChangesNothing) {
    using K = AttributeChange::Kind;
    EXPECT_EQ(catalog_->Show(ctx_, "8.16").attributes_version, 0);
    auto c = catalog_->ChangeAttributes(ctx_, "8.16", {AttributeChange::Parse(K::kSet, "control_type=Preventive")},
                                        kIso27002, 0);
    EXPECT_EQ(c.attributes_version, 1);
    auto stale = [&](int64_t version, const std::string& change) {
        try {
            catalog_->ChangeAttributes(ctx_, "8.16", {AttributeChange::Parse(K::kSet, change)}, kIso27002, version);
        } catch (const Error& e) {
            return e.code() == ErrorCode::kPreconditionFailed && std::string(e.what()).find("8.16") != std::string::npos;
        }
        return false;
    };
    int64_t head = LogHead();
    EXPECT_TRUE(stale(0, "control_type=Corrective"));
    EXPECT_EQ(LogHead(), head);
    EXPECT_EQ(catalog_->Show(ctx_, "8.16").Values("control_type"), (query::Values{"Preventive"}));
    c = catalog_->ChangeAttributes(ctx_, "8.16", {AttributeChange::Parse(K::kReset, "")}, kIso27002, 1);
    EXPECT_EQ(c.attributes_version, 2);
    EXPECT_TRUE(stale(0, "control_type=Corrective")) << "the version before the first retag is not current again";
    EXPECT_TRUE(stale(1, "control_type=Corrective"));
    c = catalog_->ChangeAttributes(ctx_, "8.16", {AttributeChange::Parse(K::kSet, "control_type=Corrective")},
                                   kIso27002, 2);
    EXPECT_EQ(c.attributes_version, 3);
    EXPECT_EQ(Log("control_override").back().op, "create");
    EXPECT_TRUE(store::VerifyLog(*store_).ok);
}

TEST_P(CatalogTest, BadOverridesAreRefusedWithTheValidValues) {
    auto message = [&](AttributeChange::Kind k, const std::string& text, const std::string& id = "5.22") {
        try {
            catalog_->ChangeAttributes(ctx_, id, {AttributeChange::Parse(k, text)});
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    using K = AttributeChange::Kind;
    EXPECT_NE(message(K::kSet, "control_type=Detectve").find("valid: Preventive, Detective, Corrective"),
              std::string::npos);
    EXPECT_NE(message(K::kSet, "theme=people").find("cannot be retagged"), std::string::npos);
    EXPECT_NE(message(K::kSet, "colour=red").find("unknown attribute family 'colour'"), std::string::npos);
    EXPECT_NE(message(K::kRemove, "control_type=Preventive").find("no control_type left"), std::string::npos);
    EXPECT_NE(message(K::kRemove, "control_type=Detective").find("does not carry"), std::string::npos);
    EXPECT_NE(message(K::kSet, "control_type").find("expected FAMILY=VALUE"), std::string::npos);
    try {
        catalog_->ChangeAttributes(ctx_, "9.99", {AttributeChange::Parse(K::kSet, "control_type=Detective")});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    }
    EXPECT_TRUE(Log("control_override").empty());
}

TEST_P(CatalogTest, ImportTextIsAllOrNothingAndNamesTheLine) {
    const std::string bad =
        "id,description,guidance\n"
        "5.1,Our policy words,Our guidance\n"
        "9.99,Nope,\n"
        "5.1,Again,\n";
    try {
        catalog_->ImportTexts(ctx_, bad, "licensed.csv");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
        ASSERT_EQ(e.details().size(), 2u);
        EXPECT_EQ(e.details()[0].line, 3);
        EXPECT_EQ(e.details()[0].field, "id");
        EXPECT_NE(e.details()[0].message.find("unknown control '9.99'"), std::string::npos);
        EXPECT_EQ(e.details()[1].line, 4);
        EXPECT_NE(e.details()[1].message.find("first at line 2"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("nothing was imported"), std::string::npos);
    }
    EXPECT_FALSE(catalog_->Show(ctx_, "5.1").text.size());
    EXPECT_THROW(catalog_->ImportTexts(ctx_, "id,summary\n5.1,x\n", "f"), Error);  // unknown column
    EXPECT_THROW(catalog_->ImportTexts(ctx_, "id,description\n5.1,\"open\n", "f"), Error);  // malformed CSV

    auto r = catalog_->ImportTexts(ctx_, "id,description,purpose\nA.5.1,Our policy words,Why we have it\n8.16,"
                                         "\"We watch, and act\",\n",
                                   "licensed.csv");
    EXPECT_EQ(r.imported, 2);
    auto c = catalog_->Show(ctx_, "5.1");
    EXPECT_EQ(c.text.at("description"), "Our policy words");
    EXPECT_EQ(c.text.at("purpose"), "Why we have it");
    EXPECT_EQ(c.text_source, "licensed.csv");
    EXPECT_EQ(Ids("text ~ 'watch, and'"), (std::vector<std::string>{"8.16"}));
    r = catalog_->ImportTexts(ctx_, "id,description,purpose\n5.1,Our policy words,Why we have it\n", "again.csv");
    EXPECT_EQ(r.imported, 0);
    EXPECT_EQ(r.unchanged, 1);
    EXPECT_EQ(Log("control_text").size(), 2u);
}

TEST_P(CatalogTest, SavedViewsCreateReadUpdateDeleteAndRun) {
    using Mode = ViewService::SaveMode;
    SavedView v{.name = "detective-soc", .where = "cybersecurity_concepts=Detect", .group_by = "theme"};
    bool created = false;
    views_->Save(ctx_, v, Mode::kCreate, &created);
    EXPECT_TRUE(created);
    try {
        views_->Save(ctx_, v, Mode::kCreate);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kConflict);
    }
    auto got = views_->Get(ctx_, "detective-soc");
    EXPECT_EQ(got.where, v.where);
    EXPECT_EQ(got.group_by, "theme");
    EXPECT_EQ(got.created_by, "user:test");

    auto run = views_->Run(ctx_, "detective-soc");
    EXPECT_EQ(run.selection.items.size(), Ids("cybersecurity_concepts = Detect").size());
    size_t grouped = 0;
    for (const auto& g : run.selection.groups) grouped += g.items.size();
    EXPECT_EQ(grouped, run.selection.items.size());  // theme is single-valued

    v.where = "cybersecurity_concepts=Detect and theme=technological";
    views_->Save(ctx_, v, Mode::kReplace, &created);
    EXPECT_FALSE(created);
    EXPECT_EQ(views_->Run(ctx_, "detective-soc").selection.groups.size(), 1u);
    EXPECT_EQ(views_->List(ctx_).size(), 1u);

    // Invalid definitions are refused before anything is stored.
    SavedView bad{.name = "bad", .where = "control_typ = Detective"};
    EXPECT_THROW(views_->Save(ctx_, bad, Mode::kUpsert), Error);
    bad = {.name = "Bad Name"};
    EXPECT_THROW(views_->Save(ctx_, bad, Mode::kUpsert), Error);
    bad = {.name = "pivot", .pivot = "control_type"};
    EXPECT_THROW(views_->Save(ctx_, bad, Mode::kUpsert), Error);
    EXPECT_THROW(views_->Save(ctx_, {.name = "ghost"}, Mode::kReplace), Error);
    EXPECT_EQ(views_->List(ctx_).size(), 1u);

    views_->Delete(ctx_, "detective-soc");
    EXPECT_TRUE(views_->List(ctx_).empty());
    try {
        views_->Run(ctx_, "detective-soc");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    }
    auto log = Log("view");
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[0].op, "create");
    EXPECT_EQ(log[1].op, "update");
    EXPECT_EQ(log[2].op, "delete");
}

// Optimistic concurrency: saving or deleting a view with a version that is no longer current is refused.
TEST_P(CatalogTest, SavedViewWithAStaleVersionIsRefusedAndChangesNothing) {
    using Mode = ViewService::SaveMode;
    auto v = views_->Save(ctx_, {.name = "soc", .where = "control_type = Detective"}, Mode::kCreate);
    EXPECT_EQ(v.version, 1);
    SavedView mine = v, theirs = v;
    mine.where = "control_type = Corrective";
    theirs.sort = "id";
    auto saved = views_->Save(ctx_, theirs, Mode::kReplace, nullptr, 1);
    EXPECT_EQ(saved.version, 2);
    EXPECT_EQ(views_->Get(ctx_, "soc").version, 2);
    int64_t head = LogHead();
    EXPECT_EQ(CodeOf([&] { views_->Save(ctx_, mine, Mode::kReplace, nullptr, 1); }), ErrorCode::kPreconditionFailed);
    EXPECT_EQ(CodeOf([&] { views_->Save(ctx_, mine, Mode::kUpsert, nullptr, 1); }), ErrorCode::kPreconditionFailed);
    EXPECT_EQ(CodeOf([&] { views_->Delete(ctx_, "soc", 1); }), ErrorCode::kPreconditionFailed);
    EXPECT_EQ(LogHead(), head);
    EXPECT_EQ(views_->Get(ctx_, "soc").where, "control_type = Detective");
    EXPECT_EQ(views_->Get(ctx_, "soc").sort, "id");
    // Unconditional saves (the CLI) and current versions go through.
    EXPECT_EQ(views_->Save(ctx_, mine, Mode::kReplace).version, 3);
    EXPECT_NO_THROW(views_->Delete(ctx_, "soc", 3));
    EXPECT_TRUE(views_->List(ctx_).empty());
}

TEST_P(CatalogTest, OrganisationsSeeOnlyTheirOwnOverridesTextsAndViews) {
    Context other = MakeOrg("o2", "beta");
    catalog_->ChangeAttributes(ctx_, "5.22",
                               {AttributeChange::Parse(AttributeChange::Kind::kSet, "control_type=Detective")});
    catalog_->ImportTexts(ctx_, "id,description\n5.22,ours\n", "f.csv");
    views_->Save(ctx_, {.name = "mine"}, ViewService::SaveMode::kCreate);
    auto theirs = catalog_->Show(other, "5.22");
    EXPECT_EQ(theirs.Values("control_type"), (query::Values{"Preventive"}));
    EXPECT_TRUE(theirs.text.empty());
    EXPECT_TRUE(views_->List(other).empty());
    EXPECT_THROW(views_->Get(other, "mine"), Error);
}

TEST_P(CatalogTest, PermissionsAreCheckedByTheService) {
    Context viewer = ctx_;
    viewer.role = Role::kViewer;
    EXPECT_EQ(catalog_->Query(viewer, {}).selection.items.size(), 93u);
    EXPECT_EQ(CodeOf([&] {
                  catalog_->ChangeAttributes(
                      viewer, "5.1", {AttributeChange::Parse(AttributeChange::Kind::kSet, "control_type=Detective")});
              }),
              ErrorCode::kForbidden);
    EXPECT_EQ(CodeOf([&] { catalog_->ImportTexts(viewer, "id,description\n5.1,x\n", "f"); }), ErrorCode::kForbidden);
    EXPECT_EQ(CodeOf([&] { views_->Save(viewer, {.name = "v"}, ViewService::SaveMode::kCreate); }),
              ErrorCode::kForbidden);
    Context auditor = ctx_;
    auditor.role = Role::kAuditor;  // may keep views, may not retag
    EXPECT_NO_THROW(views_->Save(auditor, {.name = "v"}, ViewService::SaveMode::kCreate));
}

TEST_P(CatalogTest, AnotherServersChangeReachesTheCache) {
    // Two services on one database stand for two servers: each caches, each must see the other's writes.
    using std::chrono::milliseconds;
    CatalogService first(*store_, {.revalidate_after = milliseconds(0)});
    CatalogService second(*store_, {.revalidate_after = milliseconds(3600 * 1000)});
    auto first_snap = first.Snapshot(ctx_);
    EXPECT_EQ(first.Snapshot(ctx_).get(), first_snap.get());  // a hit: the same snapshot
    auto second_snap = second.Snapshot(ctx_);

    second.ChangeAttributes(ctx_, "8.16",
                            {AttributeChange::Parse(AttributeChange::Kind::kSet, "control_type=Preventive")});
    // The writer sees its own change at once, whatever its window.
    EXPECT_NE(second.Snapshot(ctx_).get(), second_snap.get());
    EXPECT_EQ(second.Show(ctx_, "8.16").Values("control_type"), (query::Values{"Preventive"}));
    // The other server revalidates against catalog_versions.
    auto fresh = first.Snapshot(ctx_);
    EXPECT_NE(fresh.get(), first_snap.get());
    EXPECT_EQ(fresh->Find("8.16")->Values("control_type"), (query::Values{"Preventive"}));

    CatalogService windowed(*store_, {.revalidate_after = milliseconds(50)});
    windowed.Snapshot(ctx_);
    first.ImportTexts(ctx_, "id,description\n8.16,watching\n", "f.csv");
    std::this_thread::sleep_for(milliseconds(60));
    EXPECT_EQ(windowed.Show(ctx_, "8.16").text.at("description"), "watching");
}

TEST_P(CatalogTest, ReferenceDataReloadWritesNothingWhenCurrentAndUpgradesInPlace) {
    int64_t head = LogHead();
    auto again = EnsureReferenceData(*store_);
    EXPECT_FALSE(again.written);
    EXPECT_EQ(LogHead(), head);

    catalog_->ChangeAttributes(ctx_, "5.1", {AttributeChange::Parse(AttributeChange::Kind::kSet, "control_type=Detective")});
    auto old_snap = catalog_->Snapshot(ctx_);
    // A newer binary whose data retitles 5.2 and drops 8.28.
    ReferenceFiles files = EmbeddedReferenceFiles();
    auto replace = [](std::string& s, const std::string& from, const std::string& to) {
        auto p = s.find(from);
        ASSERT_NE(p, std::string::npos) << from;
        s.replace(p, from.size(), to);
    };
    replace(files.controls_csv, "Information security roles and responsibilities", "Roles for information security");
    auto line = files.controls_csv.find("\n8.28,");
    files.controls_csv.erase(line, files.controls_csv.find('\n', line + 1) - line);
    auto up = EnsureReferenceData(*store_, files);
    EXPECT_TRUE(up.written);
    catalog_->Invalidate();  // as App::EnsureReferenceData does; other servers notice through catalog_versions
    EXPECT_EQ(up.changed, (std::vector<std::string>{"5.2"}));
    EXPECT_EQ(up.removed, (std::vector<std::string>{"8.28"}));
    EXPECT_TRUE(up.added.empty());

    auto snap = catalog_->Snapshot(ctx_);
    EXPECT_NE(snap.get(), old_snap.get());
    EXPECT_EQ(snap->controls.size(), 92u);
    EXPECT_EQ(snap->Find("5.2")->title, "Roles for information security");
    EXPECT_EQ(snap->Find("5.1")->Values("control_type"), (query::Values{"Detective"}));  // the override survives
    auto entries = store_->Read([](store::Db& db) { return store::ReadLog(db, {"", "framework", "", 0, 10}); });
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[1].op, "update");
    EXPECT_EQ(entries[1].after["changed"], Json({"5.2"}));
    EXPECT_EQ(entries[1].before["data_hash"], entries[0].after["data_hash"]);
    EXPECT_FALSE(EnsureReferenceData(*store_, files).written);
    EXPECT_TRUE(store::VerifyLog(*store_).ok);
}

TEST_P(CatalogTest, RenderedListKeepsTheQuery) {
    auto list = catalog_->Query(ctx_, {.spec = {.where = "control_type=detective", .sort = "-id",
                                                .group_by = "theme", .pivot = "theme,control_type"}});
    Json j = ListJson(list);
    EXPECT_EQ(j["where"], "control_type = Detective");
    EXPECT_EQ(j["sort"], "-id");
    EXPECT_EQ(j["count"], list.selection.items.size());
    EXPECT_EQ(j["controls"][0]["attributes"]["control_type"].size() >= 1, true);
    EXPECT_EQ(j["groups"].size(), list.selection.groups.size());
    EXPECT_EQ(j["pivot"]["total"], list.selection.items.size());
    auto csv = io::RenderCsv(ControlsTable(list, list.selection.items, DefaultColumns(*list.snapshot, false), false,
                                           true));
    EXPECT_NE(csv.find("Confidentiality;Integrity;Availability"), std::string::npos);
    EXPECT_EQ(Json::parse(ListJsonText(list)), j);
    auto everything = catalog_->Query(ctx_, {});
    EXPECT_EQ(Json::parse(ListJsonText(everything)), ListJson(everything));
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogTest, ::testing::ValuesIn(store::testing_support::Backends()));

}  // namespace
}  // namespace isms::catalog
