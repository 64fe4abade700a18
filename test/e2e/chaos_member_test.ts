/** Member faults on a real process cluster: the cases are in member_fault_suite.ts. */
import { memberFaultSuite } from "./member_fault_suite.ts";

memberFaultSuite("process");
