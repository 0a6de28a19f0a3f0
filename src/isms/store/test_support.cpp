#include "isms/store/test_support.hpp"

#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "isms/core/crypto.hpp"
#include "isms/store/pg_url.hpp"

namespace isms::store::testing_support {

std::vector<std::string> Backends() { return {"sqlite", "postgresql"}; }

std::string PostgresAdminUrl() {
    if (const char* u = std::getenv("ISMS_TEST_PG_URL"); u && *u) return u;
    std::string bin;
    if (const char* b = std::getenv("ISMS_BINARY_DIR"); b && *b) bin = b;
#ifdef ISMS_BINARY_DIR
    if (bin.empty()) bin = ISMS_BINARY_DIR;
#endif
    std::ifstream in(bin + "/pg/url");
    std::string url;
    std::getline(in, url);
    return url;
}

std::unique_ptr<TempDatabase> TempDatabase::Create(const std::string& backend) {
    auto db = std::unique_ptr<TempDatabase>(new TempDatabase());
    db->backend_ = backend;
    if (backend == "sqlite") {
        auto dir = std::filesystem::temp_directory_path() / ("isms-test-" + crypto::RandomHex(6));
        std::filesystem::create_directories(dir);
        db->dir_ = dir.string();
        db->url_ = "sqlite:" + (dir / "isms.db").string();
        return db;
    }
    std::string admin = PostgresAdminUrl();
    if (admin.empty()) {
        const char* req = std::getenv("ISMS_REQUIRE_PG");
        if (req && std::string(req) == "1")
            ADD_FAILURE() << "PostgreSQL is required (ISMS_REQUIRE_PG=1) but no test cluster runs";
        return nullptr;
    }
    db->admin_url_ = admin;
    db->dbname_ = "isms_test_" + crypto::RandomHex(6);
    {
        soci::session s(soci::postgresql, PostgresConninfo(admin));
        s << "CREATE DATABASE " + db->dbname_;
    }
    auto slash = admin.rfind('/');
    auto q = admin.find('?', slash);
    db->url_ = admin.substr(0, slash + 1) + db->dbname_ + (q == std::string::npos ? "" : admin.substr(q));
    return db;
}

TempDatabase::~TempDatabase() {
    try {
        if (backend_ == "sqlite" && !dir_.empty()) {
            std::filesystem::remove_all(dir_);
        } else if (!dbname_.empty()) {
            soci::session s(soci::postgresql, PostgresConninfo(admin_url_));
            s << "DROP DATABASE IF EXISTS " + dbname_ + " WITH (FORCE)";
        }
    } catch (...) {
    }
}

}  // namespace isms::store::testing_support
