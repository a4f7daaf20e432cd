"""Helper processes that stay in their place: no network, no life beyond their owner, deep stacks.

- :mod:`.lifeline`: a worker dies with the process that started it, takes default
  signal actions, and stops itself at a backstop deadline;
- :mod:`.seccomp`: a process forbids itself sockets (no outbound request, whatever it runs);
- :mod:`.memory`: a process caps the memory it may still allocate;
- :mod:`.stack`: run a function on a thread with a large stack (deep parser and engine recursion).
"""
