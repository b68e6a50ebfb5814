// Random bytes from the kernel (getrandom(2)) for salts and event identifiers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pjm::core {

// Fills `size` bytes from getrandom(2); throws std::runtime_error if the kernel refuses.
std::vector<std::uint8_t> random_bytes(std::size_t size);

} // namespace pjm::core
