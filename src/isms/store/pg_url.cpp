#include "isms/store/pg_url.hpp"

#include <fmt/format.h>

#include <cctype>

#include "isms/core/error.hpp"

namespace isms::store {

namespace {
std::string Decode(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}
std::string Quote(const std::string& v) {
    std::string out = "'";
    for (char c : v) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}
}  // namespace

std::string PostgresConninfo(const std::string& url) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos) throw Error::InvalidInput("not a postgresql:// URL: " + url);
    std::string rest = url.substr(scheme + 3);
    std::string query;
    if (auto q = rest.find('?'); q != std::string::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    std::string path;
    if (auto s = rest.find('/'); s != std::string::npos) {
        path = rest.substr(s + 1);
        rest = rest.substr(0, s);
    }
    std::string user, password, hostport = rest;
    if (auto at = rest.rfind('@'); at != std::string::npos) {
        std::string cred = rest.substr(0, at);
        hostport = rest.substr(at + 1);
        if (auto c = cred.find(':'); c != std::string::npos) {
            user = cred.substr(0, c);
            password = cred.substr(c + 1);
        } else {
            user = cred;
        }
    }
    std::string host = hostport, port;
    if (!hostport.empty() && hostport.front() == '[') {
        auto close = hostport.find(']');
        if (close == std::string::npos) throw Error::InvalidInput("malformed IPv6 host in " + url);
        host = hostport.substr(1, close - 1);
        if (close + 1 < hostport.size() && hostport[close + 1] == ':') port = hostport.substr(close + 2);
    } else if (auto c = hostport.rfind(':'); c != std::string::npos) {
        host = hostport.substr(0, c);
        port = hostport.substr(c + 1);
    }
    for (char ch : port)
        if (!std::isdigit(static_cast<unsigned char>(ch)))
            throw Error::InvalidInput(fmt::format("the port in '{}' is not a number", url));
    std::string out;
    auto add = [&](const char* k, const std::string& v) {
        if (v.empty()) return;
        if (!out.empty()) out += ' ';
        out += std::string(k) + "=" + Quote(Decode(v));
    };
    add("host", host);
    add("port", port);
    add("user", user);
    add("password", password);
    add("dbname", path);
    size_t i = 0;
    while (i < query.size()) {
        size_t amp = query.find('&', i);
        std::string kv = query.substr(i, amp == std::string::npos ? std::string::npos : amp - i);
        if (auto eq = kv.find('='); eq != std::string::npos) {
            std::string k = kv.substr(0, eq);
            for (char ch : k)
                if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'))
                    throw Error::InvalidInput(fmt::format("malformed parameter '{}' in the database URL", k));
            add(k.c_str(), kv.substr(eq + 1));
        }
        if (amp == std::string::npos) break;
        i = amp + 1;
    }
    // Defaults a deployment can override in the URL: give up on an unreachable server after a few seconds
    // (so /health answers), name the application in pg_stat_activity, and speak UTF-8.
    auto has = [&](const char* k) { return (" " + out).find(std::string(" ") + k + "=") != std::string::npos; };
    if (!has("connect_timeout")) add("connect_timeout", "5");
    if (!has("application_name")) add("application_name", "isms");
    if (!has("client_encoding")) add("client_encoding", "UTF8");
    return out;
}

}  // namespace isms::store
