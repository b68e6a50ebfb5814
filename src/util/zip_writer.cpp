#include "util/zip_writer.hpp"

#include <array>
#include <limits>

namespace pjm::util {

namespace {

std::array<std::uint32_t, 256> make_crc_table() {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t[i] = c;
    }
    return t;
}

void put16(std::string& out, std::uint32_t v) {
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>((v >> 8) & 0xff);
}

void put32(std::string& out, std::uint32_t v) {
    put16(out, v & 0xffff);
    put16(out, v >> 16);
}

// MS-DOS date and time, as ZIP records them (two-second resolution, years from 1980).
std::pair<std::uint32_t, std::uint32_t> dos_time(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    if (tm.tm_year < 80) return {0, (1u << 5) | 1u}; // 1980-01-01 00:00
    std::uint32_t time = (static_cast<std::uint32_t>(tm.tm_hour) << 11) |
                         (static_cast<std::uint32_t>(tm.tm_min) << 5) |
                         static_cast<std::uint32_t>(tm.tm_sec / 2);
    std::uint32_t date = (static_cast<std::uint32_t>(tm.tm_year - 80) << 9) |
                         (static_cast<std::uint32_t>(tm.tm_mon + 1) << 5) |
                         static_cast<std::uint32_t>(tm.tm_mday);
    return {time, date};
}

std::uint32_t checked32(std::size_t n) {
    if (n >= std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("a ZIP archive without ZIP64 holds less than 4 GiB");
    return static_cast<std::uint32_t>(n);
}

} // namespace

std::uint32_t crc32(const std::string& bytes) {
    static const auto table = make_crc_table();
    std::uint32_t c = 0xffffffffu;
    for (unsigned char b : bytes)
        c = table[(c ^ b) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

std::string zip_archive(const std::vector<ZipEntry>& entries, std::time_t modified) {
    if (entries.size() >= 0xffff) throw std::length_error("too many files for a ZIP archive");
    auto [time, date] = dos_time(modified);
    std::string out, central;
    for (const auto& e : entries) {
        std::uint32_t crc = crc32(e.bytes);
        std::uint32_t size = checked32(e.bytes.size());
        std::uint32_t offset = checked32(out.size());
        std::uint32_t name_len = checked32(e.name.size());
        // Local file header.
        put32(out, 0x04034b50);
        put16(out, 20);       // version needed: 2.0
        put16(out, 1u << 11); // flags: the name is UTF-8
        put16(out, 0);        // stored
        put16(out, time);
        put16(out, date);
        put32(out, crc);
        put32(out, size);
        put32(out, size);
        put16(out, name_len);
        put16(out, 0); // extra field
        out += e.name;
        out += e.bytes;
        // Its central directory header.
        put32(central, 0x02014b50);
        put16(central, (3u << 8) | 20); // made by: Unix, 2.0
        put16(central, 20);
        put16(central, 1u << 11);
        put16(central, 0);
        put16(central, time);
        put16(central, date);
        put32(central, crc);
        put32(central, size);
        put32(central, size);
        put16(central, name_len);
        put16(central, 0);              // extra
        put16(central, 0);              // comment
        put16(central, 0);              // disk
        put16(central, 0);              // internal attributes
        put32(central, 0100644u << 16); // external: a regular file, rw-r--r--
        put32(central, offset);
        central += e.name;
    }
    std::uint32_t central_offset = checked32(out.size());
    std::uint32_t central_size = checked32(central.size());
    out += central;
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, static_cast<std::uint32_t>(entries.size()));
    put16(out, static_cast<std::uint32_t>(entries.size()));
    put32(out, central_size);
    put32(out, central_offset);
    put16(out, 0); // comment
    checked32(out.size());
    return out;
}

} // namespace pjm::util
