// util/zip_writer: CRC-32 and the stored ZIP layout (sizes, offsets, the end record).
#include "util/zip_writer.hpp"

#include <gtest/gtest.h>

namespace pjm::util {
namespace {

std::uint32_t le32(const std::string& s, std::size_t at) {
    return static_cast<unsigned char>(s[at]) | static_cast<unsigned char>(s[at + 1]) << 8 |
           static_cast<unsigned char>(s[at + 2]) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24;
}

TEST(Crc32, CheckValue) {
    EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
    EXPECT_EQ(crc32(""), 0u);
}

TEST(ZipArchive, HeadersCentralDirectoryAndEndRecord) {
    std::string z = zip_archive({{"a.json", "{}\n"}, {"dir/b.txt", "hello"}}, 1780304400);
    EXPECT_EQ(le32(z, 0), 0x04034b50u);
    EXPECT_EQ(le32(z, 14), crc32("{}\n"));
    EXPECT_EQ(le32(z, 18), 3u);
    EXPECT_EQ(z.substr(30, 6), "a.json");
    EXPECT_EQ(z.substr(36, 3), "{}\n");
    std::size_t end = z.size() - 22;
    EXPECT_EQ(le32(z, end), 0x06054b50u);
    EXPECT_EQ(z[end + 10], 2) << "two entries";
    std::uint32_t central = le32(z, end + 16);
    EXPECT_EQ(le32(z, central), 0x02014b50u);
    EXPECT_EQ(central, 30u + 6 + 3 + 30 + 9 + 5) << "the central directory follows the files";
}

} // namespace
} // namespace pjm::util
