// A ZIP archive of a few small files, stored without compression (APPNOTE 6.3: local file
// headers, the central directory, the end of central directory record; CRC-32 of each file).
// Enough for an RO-Crate zip (`pjm export --format ro-crate -o crate.zip`); no ZIP64, so
// each file and the whole archive stay under 4 GiB.
#pragma once

#include <cstdint>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

namespace pjm::util {

// The CRC-32 (IEEE 802.3, as ZIP and gzip use it) of `bytes`.
std::uint32_t crc32(const std::string& bytes);

struct ZipEntry {
    std::string name; // a relative path with '/' separators
    std::string bytes;
};

// The archive's bytes; every entry dated `modified` (UTC). Throws std::length_error beyond
// the 32-bit limits.
std::string zip_archive(const std::vector<ZipEntry>& entries, std::time_t modified);

} // namespace pjm::util
