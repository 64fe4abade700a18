/**
 * Every container test, in one file: they take turns on Docker anyway
 * (container_turns.ts), and spread over several files each waiting turn
 * held a parallel job idle (about 150 job-seconds a suite). Here they run
 * one after another in one job while the other jobs run the rest.
 */
import "./container_cluster_cases.ts";
import "./lock_container_cases.ts";
import "./secure_container_cases.ts";
import "./disaster_container_cases.ts";
import { memberDrills } from "./operator_member_drills.ts";

memberDrills("container");
