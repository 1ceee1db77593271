# twice(x) = 2 * x, for record-link-inputs.test: an assembly source given
# to an extension's link command, as numpy gives SVML's .s files.
  .text
  .globl twice
  .type twice, @function
twice:
  leal (%rdi,%rdi), %eax
  ret
  .size twice, .-twice
  .section .note.GNU-stack,"",@progbits
