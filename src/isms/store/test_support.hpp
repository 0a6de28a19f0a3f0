// Test support: throw-away databases on every backend, for tests of any module that touches the store.
//
// SQLite: a fresh file in a temporary folder. PostgreSQL: a fresh database on the test cluster that
// tests/pg/cluster.sh starts for ctest (its URL is read from $ISMS_TEST_PG_URL or
// $ISMS_BINARY_DIR/pg/url); dropped at the end. When no cluster is running the PostgreSQL variant is
// skipped, unless ISMS_REQUIRE_PG=1 (set by `make test`), where it fails.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace isms::store::testing_support {

// "sqlite" and "postgresql": the parameter list for backend-parameterised tests.
std::vector<std::string> Backends();

class TempDatabase {
public:
    // Returns nullptr when the backend is not available (and not required).
    static std::unique_ptr<TempDatabase> Create(const std::string& backend);
    ~TempDatabase();
    const std::string& url() const { return url_; }

private:
    std::string backend_, url_, dir_, admin_url_, dbname_;
};

// The cluster's base URL (postgresql://…/postgres) or "" when none runs.
std::string PostgresAdminUrl();

}  // namespace isms::store::testing_support
