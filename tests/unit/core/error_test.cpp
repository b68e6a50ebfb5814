#include "core/error.hpp"

#include <vector>

#include <gtest/gtest.h>

using pjm::core::ErrorKind;

TEST(Severity, OrdersEveryKindFromOkToInternal) {
    // The documented order (error.hpp, pjm event --help, man page), least bad first.
    const std::vector<ErrorKind> order = {
        ErrorKind::ok,           ErrorKind::queued,   ErrorKind::conflict, ErrorKind::not_found,
        ErrorKind::unauthorized, ErrorKind::invalid,  ErrorKind::remote,   ErrorKind::storage,
        ErrorKind::usage,        ErrorKind::internal,
    };
    for (std::size_t i = 1; i < order.size(); ++i) {
        EXPECT_LT(pjm::core::severity(order[i - 1]), pjm::core::severity(order[i]))
            << pjm::core::kind_name(order[i - 1]) << " vs " << pjm::core::kind_name(order[i]);
        EXPECT_EQ(pjm::core::worse(order[i - 1], order[i]), order[i]);
        EXPECT_EQ(pjm::core::worse(order[i], order[i - 1]), order[i]);
    }
}

TEST(Severity, WorseKeepsTheFirstOfEquals) {
    EXPECT_EQ(pjm::core::worse(ErrorKind::conflict, ErrorKind::conflict), ErrorKind::conflict);
    EXPECT_EQ(pjm::core::worse(ErrorKind::ok, ErrorKind::ok), ErrorKind::ok);
}
