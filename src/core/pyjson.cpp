#include "core/pyjson.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace pjm::core {

namespace {

void append_escaped(std::string& out, const std::string& s) {
    // ensure_ascii=True: everything outside ' '..'~' is escaped; non-ASCII as \uXXXX
    // (surrogate pairs above the BMP), lower-case hex.
    out.push_back('"');
    auto u16 = [&out](unsigned cp) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "\\u%04x", cp & 0xffffu);
        out += buf;
    };
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (c < 0x20 || c == 0x7f)
                    u16(c);
                else
                    out.push_back(static_cast<char>(c));
            }
            ++i;
            continue;
        }
        // nlohmann has already validated UTF-8, so the lead byte tells the length.
        unsigned cp = 0;
        std::size_t len = 0;
        if ((c & 0xe0) == 0xc0)
            cp = c & 0x1f, len = 2;
        else if ((c & 0xf0) == 0xe0)
            cp = c & 0x0f, len = 3;
        else
            cp = c & 0x07, len = 4;
        for (std::size_t k = 1; k < len && i + k < s.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
        i += len;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            u16(0xd800 + (cp >> 10));
            u16(0xdc00 + (cp & 0x3ff));
        } else {
            u16(cp);
        }
    }
    out.push_back('"');
}

void dump(std::string& out, const nlohmann::json& v) {
    using nlohmann::json;
    switch (v.type()) {
    case json::value_t::null:
        out += "null";
        break;
    case json::value_t::boolean:
        out += v.get<bool>() ? "true" : "false";
        break;
    case json::value_t::number_integer:
        out += std::to_string(v.get<std::int64_t>());
        break;
    case json::value_t::number_unsigned:
        out += std::to_string(v.get<std::uint64_t>());
        break;
    case json::value_t::number_float:
        out += python_float_repr(v.get<double>());
        break;
    case json::value_t::string:
        append_escaped(out, v.get_ref<const std::string&>());
        break;
    case json::value_t::array: {
        out.push_back('[');
        bool first = true;
        for (const auto& item : v) {
            if (!first) out.push_back(',');
            first = false;
            dump(out, item);
        }
        out.push_back(']');
        break;
    }
    case json::value_t::object: {
        // nlohmann's object is a std::map: keys are already in byte order, which for UTF-8
        // is code-point order, i.e. Python's sort_keys order.
        out.push_back('{');
        bool first = true;
        for (const auto& [key, item] : v.items()) {
            if (!first) out.push_back(',');
            first = false;
            append_escaped(out, key);
            out.push_back(':');
            dump(out, item);
        }
        out.push_back('}');
        break;
    }
    case json::value_t::binary:
    case json::value_t::discarded:
        out += "null";
        break;
    }
}

} // namespace

std::string python_float_repr(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
    // Shortest round-trip digits in scientific form, then laid out the way Python's
    // float_repr_style 'short' does: fixed notation when -4 < exponent10 < 16.
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    bool negative = sci[0] == '-';
    if (negative) sci.erase(0, 1);
    auto epos = sci.find('e');
    std::string mantissa = sci.substr(0, epos);
    int exp10 = std::stoi(sci.substr(epos + 1));
    std::string digits;
    for (char ch : mantissa)
        if (ch != '.') digits.push_back(ch);
    while (digits.size() > 1 && digits.back() == '0')
        digits.pop_back();
    int decpt = exp10 + 1; // value = 0.digits * 10^decpt
    // Built with append() only: GCC 12 at -O3 warns falsely (-Wrestrict) on "lit" + string.
    std::string out;
    if (negative) out.push_back('-');
    if (decpt > -4 && decpt <= 16) {
        auto point = static_cast<std::size_t>(decpt > 0 ? decpt : 0);
        if (decpt <= 0) {
            out.append("0.");
            out.append(static_cast<std::size_t>(-decpt), '0');
            out.append(digits);
        } else if (point >= digits.size()) {
            out.append(digits);
            out.append(point - digits.size(), '0');
            out.append(".0");
        } else {
            out.append(digits, 0, point);
            out.push_back('.');
            out.append(digits, point, std::string::npos);
        }
    } else {
        out.push_back(digits[0]);
        if (digits.size() > 1) {
            out.push_back('.');
            out.append(digits, 1, std::string::npos);
        }
        char ebuf[16];
        std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
        out.append(ebuf);
    }
    return out;
}

std::string python_json_dumps(const nlohmann::json& value) {
    std::string out;
    dump(out, value);
    return out;
}

std::string python_list_repr(const std::vector<std::string>& items) {
    // UUID-like strings are the usual input, but any string must give Python's repr or the job
    // UUID differs: ' quotes unless the text has a ' and no ", then "; \ and the chosen quote
    // are escaped, \n \r \t by name, other ASCII controls as \xNN. Non-ASCII passes through
    // (printable text is shown as is by Python 3's repr).
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        const std::string& s = items[i];
        bool has_single = s.find('\'') != std::string::npos;
        bool has_double = s.find('"') != std::string::npos;
        char quote = has_single && !has_double ? '"' : '\'';
        out.push_back(quote);
        for (char ch : s) {
            auto c = static_cast<unsigned char>(ch);
            if (ch == '\\' || ch == quote) {
                out.push_back('\\');
                out.push_back(ch);
            } else if (ch == '\n') {
                out += "\\n";
            } else if (ch == '\r') {
                out += "\\r";
            } else if (ch == '\t') {
                out += "\\t";
            } else if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", c);
                out += buf;
            } else {
                out.push_back(ch);
            }
        }
        out.push_back(quote);
    }
    return out + "]";
}

} // namespace pjm::core
