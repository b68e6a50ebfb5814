#include "core/typed_uuid.hpp"

#include "core/hash.hpp"
#include "core/pyjson.hpp"
#include "core/random.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace pjm::core {

namespace {

std::array<std::uint8_t, 16> parse_uuid_bytes(std::string_view text) {
    std::array<std::uint8_t, 16> out{};
    std::size_t n = 0;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    int hi = -1;
    for (char c : text) {
        if (c == '-') continue;
        int v = nibble(c);
        if (v < 0 || n >= 16) throw std::invalid_argument("not a UUID: " + std::string(text));
        if (hi < 0) {
            hi = v;
        } else {
            out[n++] = static_cast<std::uint8_t>(hi << 4 | v);
            hi = -1;
        }
    }
    if (n != 16 || hi >= 0) throw std::invalid_argument("not a UUID: " + std::string(text));
    return out;
}

std::string format_uuid(const std::uint8_t* b) {
    std::string hex = to_hex(b, 16);
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string name_based(std::string_view ns, std::string_view name, int version) {
    auto nsb = parse_uuid_bytes(ns);
    std::string input(reinterpret_cast<const char*>(nsb.data()), nsb.size());
    input.append(name);
    std::array<std::uint8_t, 16> b{};
    if (version == 3) {
        b = md5(input);
    } else {
        auto d = sha1(input);
        std::copy_n(d.begin(), 16, b.begin());
    }
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | (version << 4));
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
    return format_uuid(b.data());
}

} // namespace

std::string_view type_prefix(UuidType t) {
    switch (t) {
    case UuidType::pipeline:
        return "106";
    case UuidType::job:
        return "107";
    case UuidType::event:
        return "108";
    }
    return "107";
}

std::string uuid3(std::string_view ns, std::string_view name) {
    return name_based(ns, name, 3);
}
std::string uuid5(std::string_view ns, std::string_view name) {
    return name_based(ns, name, 5);
}

UuidFactory::UuidFactory(std::string domain) : m_namespace(uuid3(k_namespace_dns, domain)) {}

std::string UuidFactory::typed(UuidType t, std::string_view name) const {
    std::string u = uuid5(m_namespace, name);
    u.replace(0, 3, type_prefix(t));
    return u;
}

std::string UuidFactory::job_uuid(std::string_view pipeline_uuid, const nlohmann::json& data,
                                  const std::vector<std::string>* child_of) const {
    std::vector<std::string> parts{std::string(pipeline_uuid), python_json_dumps(data)};
    if (child_of) parts.push_back(python_list_repr(*child_of));
    std::sort(parts.begin(), parts.end());
    std::string name;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) name.push_back(':');
        name += parts[i];
    }
    return typed(UuidType::job, name);
}

std::string UuidFactory::pipeline_uuid(std::string_view name) const {
    return typed(UuidType::pipeline, name);
}

std::string UuidFactory::random_event_uuid() const {
    auto bytes = random_bytes(16);
    return typed(UuidType::event, to_hex(bytes.data(), bytes.size()));
}

bool is_typed_uuid(std::string_view text, UuidType t) {
    if (text.size() != 36 || text.substr(0, 3) != type_prefix(t)) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (c == '-')) return false;
        if (!dash && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

} // namespace pjm::core
