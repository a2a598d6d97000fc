// Anchor for the test support library (helpers and independent references live beside it).
#include "tests/support/test_paths.h"
