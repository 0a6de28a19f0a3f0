// Importing OSCAL catalogs as frameworks and exporting frameworks as OSCAL, on a real store (both backends).
#include "isms/oscal/service.hpp"

#include <gtest/gtest.h>

#include "isms/catalog/reference_data.hpp"
#include "isms/catalog/render.hpp"
#include "isms/core/error.hpp"
#include "isms/oscal/test_files.hpp"
#include "isms/oscal/framework.hpp"
#include "isms/oscal/validate.hpp"
#include "isms/store/change_log.hpp"
#include "isms/store/test_support.hpp"

namespace isms::oscal {
namespace {

using store::V;
using testing::Cached;
using testing::DataDir;
using testing::NistDir;

class OscalServiceTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        db_ = store::testing_support::TempDatabase::Create(GetParam());
        if (!db_) GTEST_SKIP() << "backend not available: " << GetParam();
        store_ = store::Store::Open(db_->url(), {.create = true, .pool_size = 2});
        store_->Migrate();
        catalog::EnsureReferenceData(*store_);
        store_->Write(Context::System(), [&](store::WriteTx& tx) {
            tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES ('o1', 'acme', 'Acme', 'now')");
            tx.Log("o1", "organisation", "o1", "create", nullptr, Json{{"slug", "acme"}});
        });
        ctx_.org_id = "o1";
        ctx_.actor = "user:test";
        ctx_.role = Role::kIsmsManager;
        catalog_ = std::make_unique<catalog::CatalogService>(*store_);
        oscal_ = std::make_unique<OscalService>(*store_, *catalog_);
    }

    int64_t Count(const std::string& sql) {
        return store_->Read([&](store::Db& db) { return db.QueryOne(sql)->Int(0); });
    }

    std::unique_ptr<store::testing_support::TempDatabase> db_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<catalog::CatalogService> catalog_;
    std::unique_ptr<OscalService> oscal_;
    Context ctx_;
};

TEST_P(OscalServiceTest, Nist80053BecomesAFrameworkQueryableByPropsAndClass) {
    const Document& cat = Cached(NistDir() / "800-53-rev5-5.0.1/NIST_SP-800-53_rev5_catalog.json");
    auto r = oscal_->ImportCatalog(ctx_, cat, "sp800-53r5", "NIST_SP-800-53_rev5_catalog.json");
    EXPECT_EQ(r.controls + r.enhancements, 1189);
    EXPECT_EQ(r.controls, 322);
    auto list = catalog_->Query(ctx_, {.framework = "sp800-53r5",
                                       .spec = {.where = "group = ac and class = SP800-53-enhancement and status != withdrawn"}});
    EXPECT_GT(list.selection.items.size(), 50u);
    for (size_t i : list.selection.items) {
        EXPECT_TRUE(list.at(i).id.starts_with("ac-")) << list.at(i).id;
        EXPECT_NE(list.at(i).id.find('.'), std::string::npos) << list.at(i).id;
    }
    auto ac2 = catalog_->Show(ctx_, "ac-2.1", "sp800-53r5");
    EXPECT_EQ(ac2.First("parent"), "ac-2");
    EXPECT_EQ(ac2.First("label"), "AC-2(1)");
    // One change-log entry for the import.
    auto log = store_->Read([&](store::Db& db) { return store::ReadLog(db, {"o1", "framework", "sp800-53r5", 0, 10}); });
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].op, "import");
}

// Imported controls are browsable whole: parameters, statement and guidance, props, links, enhancements; the
// ISO-only fields (2013 predecessors, licensed text) are not shown for them.
TEST_P(OscalServiceTest, ShowingAnImportedControlGivesItsContentAndEnhancements) {
    const Document& cat = Cached(NistDir() / "800-53-rev5-5.0.1/NIST_SP-800-53_rev5_catalog.json");
    oscal_->ImportCatalog(ctx_, cat, "sp800-53", "NIST_SP-800-53_rev5_catalog.json");
    auto c = catalog_->Show(ctx_, "ac-2", "sp800-53");
    Json j = catalog::ControlJson(c, true);
    EXPECT_FALSE(j.contains("predecessors"));
    EXPECT_FALSE(j.contains("has_text"));
    EXPECT_EQ(j["class"], "SP800-53");
    EXPECT_EQ(j["params"][0]["id"], "ac-2_prm_1");
    EXPECT_EQ(j["parts"][0]["name"], "statement");
    EXPECT_EQ(j["parts"][1]["name"], "guidance");
    EXPECT_EQ(j["enhancements"][0]["id"], "ac-2.1");
    EXPECT_EQ(j["enhancements"].size(), 13u);
    EXPECT_FALSE(j.contains("group_index"));
    auto e = catalog::ControlJson(catalog_->Show(ctx_, "ac-2.1", "sp800-53"), true);
    EXPECT_EQ(e["parent"], "ac-2");
    // The terminal view: the statement with its parameters as a reader sees them, and no 2013 mapping.
    std::string table;
    for (const auto& row : catalog::ControlDetailTable(c, catalog_->Snapshot(ctx_, "sp800-53")->framework).rows)
        table += row[0] + "=" + row[1] + "\n";
    EXPECT_EQ(table.find("predecessors_2013"), std::string::npos) << table;
    EXPECT_NE(table.find("statement=a. Define and document the types of accounts allowed"), std::string::npos) << table;
    EXPECT_NE(table.find("[Assignment: organization-defined"), std::string::npos) << table;
    EXPECT_NE(table.find("param ac-2_prm_1="), std::string::npos) << table;
    // The built-in catalog keeps its ISO fields.
    auto iso = catalog::ControlJson(catalog_->Show(ctx_, "8.15"), true);
    EXPECT_TRUE(iso.contains("predecessors"));
    EXPECT_FALSE(iso.contains("parts"));
}

TEST_P(OscalServiceTest, ExportOfAnImportedCatalogGivesItBack) {
    for (const char* file : {"nist/examples/catalog/yaml/basic-catalog.yaml", "resolve/abc_catalog.json"}) {
        const Document& cat = Cached(DataDir() / file);
        std::string id = std::string(file).find("basic") != std::string::npos ? "basic" : "abc";
        oscal_->ImportCatalog(ctx_, cat, id, file);
        Document back = oscal_->ExportCatalog(ctx_, id);
        EXPECT_TRUE(Canonical(back) == Canonical(cat)) << file;
    }
}

TEST_P(OscalServiceTest, BuiltInIso27002ExportsAsAValidCatalogWithoutIsoText) {
    Document d = oscal_->ExportCatalog(ctx_, catalog::kIso27002, "2024-06-01T00:00:00Z");
    auto schema = SchemaIssues(d);
    EXPECT_TRUE(schema.empty()) << (schema.empty() ? "" : schema[0].path + ": " + schema[0].message);
    EXPECT_TRUE(XsdIssues(Write(d, Format::kXml)).empty());
    EXPECT_TRUE(RuleIssues(d).empty());
    size_t n = 0;
    bool tagged = false;
    for (const auto& g : d.body["groups"])
        for (const auto& c : g["controls"]) {
            ++n;
            EXPECT_FALSE(c.contains("parts")) << "no text without the organisation's licensed copy";
            for (const auto& p : c["props"])
                if (p.value("ns", "") == kIso27002Namespace && p["name"] == "control_type") tagged = true;
        }
    EXPECT_EQ(n, 93u);
    EXPECT_TRUE(tagged);
    EXPECT_EQ(d.body["groups"].size(), 4u);
}

TEST_P(OscalServiceTest, LicensedTextIsExportedAsParts) {
    catalog_->ImportTexts(ctx_, "id,description,guidance\n5.1,Our licensed description.,Our guidance.\n", "licensed.csv");
    Document d = oscal_->ExportCatalog(ctx_, catalog::kIso27002, "2024-06-01T00:00:00Z");
    const Json& c = d.body["groups"][0]["controls"][0];
    ASSERT_EQ(c["id"], "a.5.1");
    ASSERT_TRUE(c.contains("parts"));
    EXPECT_EQ(c["parts"][0]["prose"], "Our licensed description.");
    EXPECT_TRUE(SchemaIssues(d).empty());
}

TEST_P(OscalServiceTest, BadImportsStoreNothing) {
    EXPECT_THROW(oscal_->ImportCatalog(ctx_, Cached(DataDir() / "resolve/include-all_profile.json"), "p", "x"), Error);
    EXPECT_THROW(oscal_->ImportCatalog(ctx_, Cached(DataDir() / "rules/bad-references_catalog.json"), "dup", "x"), Error);
    EXPECT_THROW(oscal_->ImportCatalog(ctx_, Cached(DataDir() / "resolve/abc_catalog.json"), "Bad Id", "x"), Error);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM frameworks WHERE org_id = 'o1'"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM controls WHERE org_id = 'o1'"), 0);
    oscal_->ImportCatalog(ctx_, Cached(DataDir() / "resolve/abc_catalog.json"), "abc", "x");
    try {
        oscal_->ImportCatalog(ctx_, Cached(DataDir() / "resolve/abc_catalog.json"), "abc", "x");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kConflict);
    }
    EXPECT_THROW(oscal_->ImportCatalog(ctx_, Cached(DataDir() / "resolve/abc_catalog.json"), catalog::kIso27002, "x"), Error);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM controls WHERE org_id = 'o1'"), 7);
}

TEST_P(OscalServiceTest, ImportNeedsCatalogEditAndStaysInTheOrganisation) {
    Context viewer = ctx_;
    viewer.role = Role::kViewer;
    EXPECT_THROW(oscal_->ImportCatalog(viewer, Cached(DataDir() / "resolve/abc_catalog.json"), "abc", "x"), Error);
    oscal_->ImportCatalog(ctx_, Cached(DataDir() / "resolve/abc_catalog.json"), "abc", "x");
    store_->Write(Context::System(), [&](store::WriteTx& tx) {
        tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES ('o2', 'other', 'Other', 'now')");
        tx.Log("o2", "organisation", "o2", "create", nullptr, Json{{"slug", "other"}});
    });
    Context other = ctx_;
    other.org_id = "o2";
    EXPECT_THROW(oscal_->ExportCatalog(other, "abc"), Error);
}

INSTANTIATE_TEST_SUITE_P(Backends, OscalServiceTest, ::testing::ValuesIn(store::testing_support::Backends()));

}  // namespace
}  // namespace isms::oscal
