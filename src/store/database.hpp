// The backend object store::open returns: the Handler's port plus what only pjm's own tools
// and pjm serve use.
#pragma once

#include "core/storage.hpp"
#include "store/execution_log.hpp"

namespace pjm::store {

// One connection to a job database. Code that only handles messages or reads jobs takes the
// core::Storage part; the rest is for pjm serve.
class Database : public core::Storage, public ExecutionLog {};

} // namespace pjm::store
