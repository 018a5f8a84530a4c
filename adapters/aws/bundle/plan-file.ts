/** The plan file `polyfaas bundle aws` writes beside the artifacts and `polyfaas deploy aws` reads. */
export const PLAN_FILE = 'polyfaas-aws.json';
