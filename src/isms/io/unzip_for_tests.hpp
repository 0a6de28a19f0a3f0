// Test support: a minimal ZIP reader (central directory, stored or raw-deflate entries) so that tests can look
// inside the .xlsx files the product writes. Not for untrusted input.
#pragma once

#include <zlib.h>

#include <cstring>
#include <map>
#include <stdexcept>
#include <string>

namespace isms::io::testing_support {

inline uint32_t U32(const std::string& s, size_t at) {
    uint32_t v;
    std::memcpy(&v, s.data() + at, 4);
    return v;
}
inline uint16_t U16(const std::string& s, size_t at) {
    uint16_t v;
    std::memcpy(&v, s.data() + at, 2);
    return v;
}

inline std::map<std::string, std::string> Unzip(const std::string& zip) {
    std::map<std::string, std::string> out;
    size_t eocd = zip.rfind(std::string("PK\x05\x06", 4));
    if (eocd == std::string::npos) throw std::runtime_error("not a zip file");
    uint16_t entries = U16(zip, eocd + 10);
    size_t p = U32(zip, eocd + 16);
    for (int i = 0; i < entries; ++i) {
        if (U32(zip, p) != 0x02014b50) throw std::runtime_error("bad central directory");
        uint16_t method = U16(zip, p + 10);
        uint32_t csize = U32(zip, p + 20), usize = U32(zip, p + 24);
        uint16_t nlen = U16(zip, p + 28), xlen = U16(zip, p + 30), clen = U16(zip, p + 32);
        uint32_t local = U32(zip, p + 42);
        std::string name = zip.substr(p + 46, nlen);
        size_t data = local + 30 + U16(zip, local + 26) + U16(zip, local + 28);
        std::string content;
        if (method == 0) {
            content = zip.substr(data, csize);
        } else {
            content.resize(usize);
            z_stream zs{};
            inflateInit2(&zs, -MAX_WBITS);
            zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zip.data() + data));
            zs.avail_in = csize;
            zs.next_out = reinterpret_cast<Bytef*>(content.data());
            zs.avail_out = usize;
            int rc = inflate(&zs, Z_FINISH);
            inflateEnd(&zs);
            if (rc != Z_STREAM_END) throw std::runtime_error("inflate failed for " + name);
        }
        out[name] = content;
        p += 46 + nlen + xlen + clen;
    }
    return out;
}

}  // namespace isms::io::testing_support
