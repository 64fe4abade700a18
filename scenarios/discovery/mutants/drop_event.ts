/**
 * Mutant of the reference discoverer: it keeps its own copy of the view and
 * silently drops one watch event in four (a dropped event).
 */
import type { DiscoverySubject } from "../subject.ts";
import lossy from "../../../test/fixtures/lossy_discoverer.ts";

const mutant: DiscoverySubject = lossy;

export default mutant;
