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

} // namespace pjm::util
