// postgresql:// URLs → libpq keyword/value connection strings (SOCI does not pass URIs through).
#pragma once

#include <string>

namespace isms::store {

// "postgresql://user:pw@host:5432/db?sslmode=require" → "host='host' port='5432' user='user' password='pw'
// dbname='db' sslmode='require'". Percent-escapes are decoded. Throws kInvalidInput for a malformed URL.
std::string PostgresConninfo(const std::string& url);

}  // namespace isms::store
