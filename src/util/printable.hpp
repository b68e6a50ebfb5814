// Text made safe to show on a terminal or in a log: control bytes (and, when asked, every byte
// outside printable ASCII) become \xNN escapes. Knows nothing of pjm.
#pragma once

#include <string>
#include <string_view>

namespace pjm::util {

enum class Newlines { escape, keep };
enum class Bytes {
    utf8,  // bytes from 0x80 on are kept (UTF-8 text stays readable)
    ascii, // bytes from 0x80 on are escaped too (text that may not be UTF-8, a log line)
};

std::string printable(std::string_view text, Newlines newlines = Newlines::escape,
                      Bytes bytes = Bytes::utf8);

// At most `max` bytes of `text`, cut before a UTF-8 sequence rather than inside one, with "…"
// after a cut: how much of what a sender wrote a message may repeat.
std::string shortened(std::string_view text, std::size_t max);

} // namespace pjm::util
