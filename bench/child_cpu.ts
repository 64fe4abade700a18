/**
 * CPU seconds (user + system) of this process's children that have ended
 * and been waited for, grandchildren included: the cutime and cstime of
 * /proc/self/stat (Linux), in clock ticks of 1/100 s.
 */
export function childCpuSeconds(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  // Fields after the command name (which may hold spaces) in parentheses.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // cutime and cstime are fields 16 and 17 of the line, 14 and 15 after the name.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}
