/* An extension-shaped object: PyInit_m calls twice() from an assembly
   source on the link line and helper() from a build-local archive. */
int twice(int);
int helper(int);
int PyInit_m(void) { return twice(20) + helper(2); }
